"""Integer lookups with values beyond the database's range match nothing, instead of failing.

Django answers `filter(pk=99999999999999999999)` with no rows (IntegerFieldOverflow guards the
`exact`, `gt`, `gte`, `lt` and `lte` lookups of integer fields), but not `pk__in=[…]` nor a
foreign key's `department=…`/`department__in=[…]`: SQLite refuses the query ("Python int too large
to convert to SQLite INTEGER") and PostgreSQL too ("out of range for type bigint"), a 500. Those
are exactly the lookups a form field makes from what a user posts (ModelMultipleChoiceField
checks its values with `pk__in`, the admin's autocomplete redraws with `id__in`). Registered by
RecordsPortalConfig.ready for every integer field and foreign key of the project.
"""

from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _integer_range(field, connection):
    target = getattr(field, "target_field", field)
    try:
        return connection.ops.integer_field_range(target.get_internal_type())
    except KeyError:  # not an integer column (a foreign key to a text key)
        return None, None


def _within(value, low, high) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return True
    return (low is None or value >= low) and (high is None or value <= high)


def _not_an_integer(field, value) -> bool:
    """A posted text that no integer column can hold ('' or 'abc' among ticked ids)."""
    target = getattr(field, "target_field", field)
    if not isinstance(target, IntegerField) or not isinstance(value, str):
        return False
    try:
        int(value.strip())
    except ValueError:
        return True
    return False


class _DropOutOfRange:
    """`in`: a value outside the column's range, or a text that is no integer at all (the admin's
    bulk action posted with `_selected_action=''` was a ValueError, a 500), cannot match a row;
    leave it out of the list."""

    def get_prep_lookup(self):
        if self.rhs_is_direct_value() and isinstance(self.rhs, (list, tuple)):
            self.rhs = [v for v in self.rhs if not _not_an_integer(self.lhs.output_field, v)]
        return super().get_prep_lookup()

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = _integer_range(self.lhs.output_field, connection)
            if low is not None or high is not None:
                try:
                    values = list(self.rhs)
                except TypeError:
                    values = None
                if values is not None:
                    self.rhs = [v for v in values if _within(v, low, high)]
        return super().process_rhs(compiler, connection)


class IntegerFieldIn(_DropOutOfRange, In):
    pass


class ForeignKeyIn(_DropOutOfRange, RelatedIn):
    pass


class ForeignKeyExact(RelatedExact):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and isinstance(self.rhs, int):
            low, high = _integer_range(self.lhs.output_field, connection)
            if not _within(self.rhs, low, high):
                from django.core.exceptions import EmptyResultSet

                raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
    ForeignObject.register_lookup(ForeignKeyIn)
    ForeignObject.register_lookup(ForeignKeyExact)
