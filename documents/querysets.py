"""Read rules for documents: who sees which, search, overdue, and what a viewer may read of a
document shown inside another record."""

import datetime
import operator
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import OperationalError, connections, models, transaction
from django.db.models import BooleanField, Q, Value
from django.db.models.expressions import Col, RawSQL
from django.db.models.functions import StrIndex
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual, Range
from django.db.models.sql.where import AND, WhereNode
from django.utils import timezone
from django.utils.translation import gettext as _

from recordsportal.access import Scope, scope_of
from recordsportal.models import Department
from recordsportal.text import search_key

from .choices import Confidentiality, Direction, Form, PaperReason, Status

OPEN_STATUSES = [Status.REGISTERED, Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS]

# A search in a department's or an officer's scope collects the ids of its matches first (see
# `DocumentQuerySet.search`); above this many, the words are common enough in the scope that the
# newest-first walk of the date index finds a page quickly, and the plain query is kept.
SCOPED_SEARCH_IDS = 10_000
# ... unless the words are rare: at most this many matches in the whole agency, found by the
# trigram index within this many milliseconds (`DocumentQuerySet._few_matches`). A rare word's
# probe takes 3-7 ms warm (`vinfast`, 347 matches; ~40 ms cold), a common word's bitmap alone
# 65-300 ms, so a common word's search pays the whole budget: 25 ms, not 60 (h16s, rp_h16s_bench).
# A rare word whose probe runs out of time is still found, by reading the scope.
RARE_MATCHES = 2_000
RARE_PROBE_MS = 25
# The agency's search for words that are not rare (the probe above found more than RARE_MATCHES
# matches or ran out of time): a page in the register's order is chosen by walking the date
# index backwards, the words tested on each row, and stopped once the page is full — a plan
# chosen here, not by PostgreSQL's guess of the words' selectivity (a re-ANALYZE that guessed 204
# rows for `trien khai`'s 79,895 sorted them all: 0.7-1.5 s instead of 1 ms). A walk that has
# not found its page in this many milliseconds (words rarer than the probe could tell, a deep
# page) is cancelled and the plain query runs (`DocumentQuerySet._walked_page`).
WALK_PAGE_MS = 150
# A register list in a department head's scope of at most this many documents reads its count
# and deep pages over the scope's ids (`DocumentQuerySet.in_small_scope`).
SMALL_SCOPE_IDS = 15_000


def _equals_any(column: str, subquery) -> Q:
    """`<column> = ANY(ARRAY(<subquery>))`: the subquery runs once (an InitPlan) and its array is
    an index condition. `IN (subquery)` would be a hashed filter tested row by row instead."""
    sql, params = subquery.query.sql_with_params()
    return Q(RawSQL(f'"documents_document"."{column}" = ANY(ARRAY({sql}))', params, output_field=BooleanField()))


class _IdsIn(RawSQL):
    """`id = ANY(<one array parameter>)`: the ids a query is narrowed to (`_id_in`)."""

    def __init__(self, ids):
        super().__init__('"documents_document"."id" = ANY(%s::bigint[])', [ids], output_field=BooleanField())


def _id_in(ids) -> Q:
    """`id = ANY(<one array parameter>)`: not thousands of placeholders (`pk__in` of 10,000 ids cost
    the head's filtered search ~150 ms of CPU to compile and bind, twice), and the planner still
    knows the array's length. No ids: `pk__in=[]`, which Django answers without a query."""
    ids = list(ids)
    return Q(_IdsIn(ids)) if ids else Q(pk__in=[])


def _newest_first(pairs) -> list[int]:
    """The ids of (id, register_date) pairs in the model's order, `-register_date, -id`, as
    PostgreSQL sorts it (a NULL date is the greatest: first when descending)."""
    order = sorted(pairs, key=lambda p: (p[1] is None, p[1] or datetime.date.min, p[0]), reverse=True)
    return [pk for pk, _day in order]


# The values read with a scope's ids (`_DATED`, from the covering indexes' entries, migration
# documents/0017), and the conditions on them that `_row_test` evaluates as PostgreSQL would.
_DATED = ("pk", "register_date", "direction", "register_year")


def _by_id(rows) -> dict:
    """{id: (register_date, direction, register_year)} of rows read as `_DATED`; a document read
    twice (in two branches of a scope) once. A slice per row, not `pk, *values` unpacking, which
    builds a list per row: 7.6 ms for a scope's 15,001 rows, against 1.9."""
    return {row[0]: row[1:] for row in rows}
_ROW_VALUES = {"register_date": (0, datetime.date), "direction": (1, str), "register_year": (2, int)}
_ROW_TESTS = {
    Exact: operator.eq,
    GreaterThan: operator.gt,
    GreaterThanOrEqual: operator.ge,
    LessThan: operator.lt,
    LessThanOrEqual: operator.le,
}


def _row_test(node, table: str):
    """A function of a row's values read with its id (register_date, direction, register_year)
    that is true exactly when the condition `node` (a filter's lookup) holds for the row, or
    None for any other condition: `direction = …`, and `=`, `<`, `<=`, `>`, `>=`, BETWEEN on the
    date and the year, with plain values (NULL satisfies none of them, as in SQL)."""
    lhs, rhs = getattr(node, "lhs", None), getattr(node, "rhs", None)
    lookup = next((cls for cls in (*_ROW_TESTS, Range) if isinstance(node, cls)), None)
    if lookup is None or not isinstance(lhs, Col) or lhs.alias != table or lhs.target.attname not in _ROW_VALUES:
        return None
    name = lhs.target.attname
    if name == "direction" and lookup is not Exact:
        return None  # strings: only equality (an order would be the collation's, not Python's)
    index, kind = _ROW_VALUES[name]
    bounds = list(rhs) if lookup is Range and isinstance(rhs, (list, tuple)) else [rhs]
    if lookup is Range and len(bounds) != 2:
        return None
    for value in bounds:
        if (
            not isinstance(value, kind)
            or isinstance(value, (bool, datetime.datetime))
            or (kind is str and type(value) not in (str, Direction))
            or (kind is int and not 0 <= value <= 32767)  # the year's column: beyond, Django answers alone
        ):
            return None
    if lookup is Range:
        low, high = bounds
        return lambda row: row[index] is not None and low <= row[index] <= high
    test = _ROW_TESTS[lookup]
    return lambda row: row[index] is not None and test(row[index], rhs)


def _within_budget(using: str, sql: str, params, ms: int, *, plans_off: tuple[str, ...] = ()) -> list | None:
    """`sql`'s rows, or None when the statement has not finished within `ms` milliseconds
    (cancelled by a transaction-local statement_timeout, in a savepoint, and the previous timeout
    restored: a request may run inside a transaction). `plans_off`: planner settings
    (`enable_seqscan`…) switched off for this statement only."""
    connection = connections[using]
    off = "".join(f", set_config('{name}', 'off', true)" for name in plans_off)
    on = "".join(f", set_config('{name}', 'on', true)" for name in plans_off)
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout')")
            (timeout,) = cursor.fetchone()
            cursor.execute(f"SELECT set_config('statement_timeout', %s, true){off}", [f"{ms}ms"])  # nosec B608: our names
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute(f"SELECT set_config('statement_timeout', %s, true){on}", [timeout])  # nosec B608: our names
    except OperationalError as error:  # QueryCanceled
        if getattr(error.__cause__, "sqlstate", None) != "57014":
            raise
        return None
    return rows


def _contains_all(words) -> Q:
    """Every word is in search_text: `strpos(search_text, word) > 0`, the same test as
    `search_text LIKE '%word%'` (Django escapes the word's % and _), written so that the trigram
    index cannot serve it: the scope's covering index (`doc_department_search`,
    `doc_id_search`) reads the search text of just the scope's documents, without the heap."""
    q = Q()
    for word in words:
        q &= Q(GreaterThan(StrIndex("search_text", Value(word)), 0))
    return q


def _received_contains_all(received, words):
    """The recipient rows (`received`, a queryset of the recipients table) whose copy of the
    document's search text holds every word: the same `strpos` test as `_contains_all`, read
    from the covering index `doc_recipient_search` (department_id, document_id) INCLUDE
    (search_text) — one range per department instead of a lookup per document sent to it.
    The column and the triggers that keep it equal to the document's are PostgreSQL's
    (migration documents/0014); Django does not know it."""
    table = received.model._meta.db_table
    for word in words:
        received = received.filter(
            RawSQL(f'strpos("{table}"."search_text", %s) > 0', [word], output_field=BooleanField())
        )
    return received


@dataclass(frozen=True)
class _ScopeBranches:
    """A department's or an officer's scope as the branches `search` reads separately, each by
    its own index: the queryset before the scope filter, and the scope's conditions."""

    base: models.QuerySet
    named: Q  # lead officer or drafter, co-handler, dispatched to them: officer/created_by/id bitmaps
    departments: object = None  # Department ids (a queryset of "pk"), or None for an officer
    received: object = None  # the recipient rows of those departments (a queryset of the recipients table)


class DocumentManager(models.Manager):
    """Documents not in the trash. The trash is `Document.all_objects.deleted()`."""

    def get_queryset(self):
        return super().get_queryset().filter(is_deleted=False)


class DocumentQuerySet(models.QuerySet):
    # Set by `visible_to` for a department's or an officer's scope (for `search`); None for the
    # agency, whose searches walk the date index and find a page at once.
    _scope_branches = None
    # True once `search` has narrowed the query to the ids of its matches.
    _narrowed_to_ids = False
    # True while the query's rows are exactly its scope's (set by `visible_to`; any filter or
    # exclude after it clears it): the scope's ids, once read, are then its rows.
    _scope_only = False
    # (n, exact) when the number of rows is known from ids already read: exactly n, or at least
    # n (`exact` False). `count()` answers from it without a query (issue 16: the capped count of
    # a head's register read 10,000-38,000 buffers for a number the ids already gave).
    _known_count = None
    # The number of the query's `where` conditions once `visible_to` has added the scope's.
    _scope_at = 0
    # {id: (register_date, direction, register_year)} of the ids the query was narrowed to
    # (`in_small_scope`, `search`), read with them from the same index entries; the position of
    # that narrowing among the `where` conditions; and the positions of the conditions those ids
    # satisfy (the scope's, a search's words). `_rows_from_ids` evaluates the others it can on
    # the values, whether they came before the narrowing or after.
    _dated = None
    _ids_at = 0
    _checked = frozenset()
    # True for a large scope's register with no filter (`in_small_scope`): a slice in the
    # model's order chooses its ids from `doc_date_scope` alone first (`__getitem__`).
    _deferred_page = False
    # (words, positions of their LIKE conditions in `where`) of the agency's search for words
    # that are not rare: a slice in the model's order walks the date index (`_walked_page`).
    _walk_words = None

    def _clone(self):
        clone = super()._clone()
        clone._scope_branches = self._scope_branches
        clone._narrowed_to_ids = self._narrowed_to_ids
        clone._scope_only = self._scope_only
        clone._known_count = self._known_count
        clone._scope_at, clone._dated, clone._ids_at, clone._checked = (
            self._scope_at,
            self._dated,
            self._ids_at,
            self._checked,
        )
        clone._deferred_page = self._deferred_page
        clone._walk_words = self._walk_words
        return clone

    def _forget_rows(self):
        self._scope_only, self._known_count, self._deferred_page = False, None, False

    def _filter_or_exclude_inplace(self, negate, args, kwargs):
        # Other rows than those counted: neither the scope alone nor a known number any more.
        self._forget_rows()
        super()._filter_or_exclude_inplace(negate, args, kwargs)

    def extra(self, *args, **kwargs):
        clone = super().extra(*args, **kwargs)
        clone._forget_rows()  # its `where` narrows the rows too
        clone._dated = None
        return clone

    def _narrowed(self, dated: dict, checked):
        """This query narrowed to the ids of `dated` (id: values read with it), which are the
        rows that satisfy its `where` conditions at the positions `checked`."""
        narrowed = self.filter(_id_in(sorted(dated)))
        narrowed._narrowed_to_ids = True
        narrowed._dated, narrowed._ids_at = dated, len(narrowed.query.where.children) - 1
        narrowed._checked = frozenset([*checked, narrowed._ids_at])
        return narrowed

    def _rows_from_ids(self, ordered: bool, sliced: bool = False):
        """(ids, exact, filtered) from the ids the query was narrowed to, or None (not narrowed
        with their values, or changed otherwise than by filters): the ids that pass every other
        condition of the query that `_row_test` can evaluate, in the model's order if `ordered`;
        `exact` when they are the rows (every other condition was evaluated); `filtered` when
        there are other conditions (a filter)."""
        if self._dated is None or self._result_cache is not None:
            return None
        query, n = self.query, self._ids_at
        where = query.where
        if (
            query.combinator
            or query.distinct
            or query.is_empty()
            or query.extra
            or query.annotations
            or (query.is_sliced and not sliced)
            or where.connector != AND
            or where.negated
            or len(where.children) <= n
            or not isinstance(getattr(where.children[n], "lhs", None), _IdsIn)
        ):
            return None
        others = [node for i, node in enumerate(where.children) if i not in self._checked]
        tests = [_row_test(node, query.base_table) for node in others]
        exact = None not in tests
        tests = [test for test in tests if test is not None]
        rows = self._dated.items()
        if tests:
            rows = [(pk, values) for pk, values in rows if all(test(values) for test in tests)]
        if ordered:
            return _newest_first([(pk, values[0]) for pk, values in rows]), exact, bool(others)
        return [pk for pk, _values in rows], exact, bool(others)

    def _with_ids(self, ids):
        """The same query over `ids` in place of every id it was narrowed to (not beside them:
        with two arrays on the primary key PostgreSQL costs a descent per pair of elements, and
        scans the table instead)."""
        clone = self._chain()
        clone.query.where = clone.query.where.clone()
        del clone.query.where.children[self._ids_at]
        clone._dated, clone._known_count = None, None
        clone.query.add_q(_id_in(ids))
        return clone

    def _in_model_order(self) -> bool:
        """Ordered as the model's Meta (`-register_date, -id`): no order_by since."""
        query = self.query
        return (
            not query.order_by
            and query.default_ordering
            and query.standard_ordering  # not reverse()d
            and not query.extra_order_by
            and list(self.model._meta.ordering) == ["-register_date", "-id"]
        )

    def __getitem__(self, k):
        """As Django's; a page (a slice) of rows whose order is known reads just its rows:
        - `_dated` (a small scope's ids or a search's matches, read with their dates): the
          slice's ids, looked up by the primary key, instead of every id read to sort them
          (a unit head's page 150: 9,687 rows, 38,913 buffers), a filter on the direction, the
          date or the year evaluated on the values read with them; another filter or order:
          the ids that pass those, sorted and sliced by PostgreSQL;
        - `_deferred_page` (a large scope, no filter): the slice's ids chosen from the entries of
          `doc_date_scope` (register_date, id, with the scope's columns), an index-only walk,
          then those rows, instead of walking the date index through the heap (the head of ten
          units' page 200: 16,874 buffers).
        Every condition of the query still applies to the rows read: the same rows, in order."""
        if (
            not isinstance(k, slice)
            or k.step is not None
            or k.stop is None
            or (k.start or 0) < 0
            or k.stop < (k.start or 0)
        ):
            return super().__getitem__(k)
        start = k.start or 0
        in_order = self._in_model_order()
        # (In another order, e.g. capped_count's unordered slice, Django's: the count that
        # follows still knows the ids.)
        found = self._rows_from_ids(ordered=True) if in_order else None
        if found is not None:
            ids, exact, _filtered = found
            if exact:
                return self._with_ids(ids[start : k.stop])
            return self._with_ids(ids)[k]
        if self._deferred_page and self._rows_unchanged() and in_order and self._result_cache is None:
            ids = self.order_by(*self.model._meta.ordering).values("pk")
            ids._forget_rows()
            # The rows are those ids, every condition applied in choosing them: not tested again
            # (the scope's subqueries built twice, each row's filter run again).
            page = self._chain()
            page.query.where = WhereNode()
            return page.filter(pk__in=ids[start : k.stop])
        if self._walk_words is not None and in_order and self._result_cache is None and self._rows_unchanged():
            page = self._walked_page(start, k.stop)
            if page is not None:
                return page
        return super().__getitem__(k)

    def _walked_page(self, start: int, stop: int):
        """The rows [start:stop] of the agency's search for words that are not rare, their ids
        chosen by a walk of the date index, or None (the walk did not finish in WALK_PAGE_MS).

        The words are tested by `strpos` (`_contains_all`), which the trigram index cannot
        serve, and whose selectivity PostgreSQL does not guess from statistics (a default third
        per word): the plans left for `ORDER BY register_date DESC, id DESC LIMIT …` are that
        walk, stopped at the page's last row, or a scan of the whole table and a sort, which
        it costs far higher while the words are few (a long phrase's thirds multiply: a scan,
        then, cut by the budget). With LIKE, a low guess of the words' matches made PostgreSQL
        collect every match by the trigram bitmap and sort them (issue 16: `trien khai`, 79,895
        matches guessed 204: 0.7-1.9 s, 60,900 buffers). Every condition of the query is applied in the walk; the rows are then those
        ids, read by the primary key and sorted as the query orders them."""
        words, positions = self._walk_words
        walk = self._chain()
        walk._walk_words = None
        walk.query.where = walk.query.where.clone()
        for position in sorted(positions, reverse=True):
            del walk.query.where.children[position]
        walk.query.add_q(_contains_all(words))
        sql, params = (
            walk.order_by(*self.model._meta.ordering).values_list("pk", flat=True)[start:stop].query.sql_with_params()
        )
        rows = _within_budget(self.db, sql, params, WALK_PAGE_MS)
        if rows is None:
            return None
        ids = [pk for (pk,) in rows]
        page = self._chain()
        page._walk_words = None
        page.query.where = WhereNode()  # applied in the walk (the manager's trash filter too)
        return page.filter(_id_in(ids))

    def _rows_are_the_scope(self) -> bool:
        """No filter since `visible_to` (the ordering and select_related change no rows)."""
        return self._scope_only and self._rows_unchanged()

    def _rows_unchanged(self) -> bool:
        """Nothing but filters (which clear what was known of the rows) changed them since."""
        query = self.query
        return (
            not query.is_sliced
            and not query.combinator
            and not query.distinct
            and not query.is_empty()
            and not query.extra
            and not query.annotations
        )

    def _with_known_count(self, n: int, exact: bool):
        clone = self._chain()
        clone._known_count = (n, exact)
        return clone

    def count(self):
        """As Django's, but without a query when the ids already read tell the number of rows
        (`_known_count`, `_rows_from_ids`): `capped_count`'s `[:10001].count()` of a head's
        register or search. A filter since the ids were read: counted by a query, over the ids
        that pass the filters `_row_test` can evaluate."""
        found = self._rows_from_ids(ordered=False, sliced=True)
        if found is not None:
            ids, exact, filtered = found
            if exact and not filtered:
                self = self._with_known_count(len(ids), exact=True)
            else:
                return self._with_ids(ids).count()
        if (
            self._known_count is not None
            and self._result_cache is None
            and not self.query.is_empty()
            and not self.query.combinator
        ):  # not after none() or a union
            known, exact = self._known_count
            low, high = self.query.low_mark, self.query.high_mark
            if exact:
                n = max(0, known - low)
                return n if high is None else min(n, high - low)
            if high is not None and known >= high:  # at least `known` rows: the slice is full
                return high - low
        return super().count()

    def visible_to(self, user):
        """What `user` may open.

        Agency-wide roles (administrators, leadership, the Office) see every document, the
        confidential ones included. Everybody else sees the documents they are named on (lead
        officer or drafter, co-handler, registrar); a department head also sees the documents of
        their department and its units, and internal documents sent to them, except
        confidential ones, which only the people named on them see.
        """
        scope = scope_of(user)
        if scope is Scope.AGENCY:
            return self
        if scope is Scope.NONE:
            return self.none()
        # The co-handled ids first (one small indexed query), not an EXISTS per row: with
        # `officer_id = … OR created_by_id = … OR id IN (1, 2, …)` PostgreSQL ORs three index
        # bitmaps (the officer's few hundred documents) and searches only those; the EXISTS made
        # it test every document the search or the date index yielded (an officer's search at
        # 2M documents: 1.2 s → 0.1 s of SQL, bench/profile_routes.py).
        co_handled = list(
            self.model.co_handlers.through.objects.filter(user_id=user.pk).values_list("document_id", flat=True)
        )
        # An internal document dispatched to the user by their head (documents/handling.py).
        receipts = self.model._meta.get_field("receipts").related_model
        # Two indexed lookups, not `officer_id = … OR co_handler = …` across a LEFT JOIN, which
        # read every receipt (60,000 at bench scale: 70 ms, twice on a head's home page).
        handled = list(receipts.objects.filter(officer_id=user.pk).order_by().values_list("document_id", flat=True))
        handled += receipts.co_handlers.through.objects.filter(user_id=user.pk).values_list(
            "receipt__document_id", flat=True
        )
        named = Q(officer_id=user.pk) | Q(created_by_id=user.pk) | Q(pk__in=co_handled + handled)
        if scope is Scope.DEPARTMENT:
            # The managed departments and their units, as ids: the document row is tested
            # against a small hashed set, without joining the department table (a join ahead
            # of ORDER BY … LIMIT made PostgreSQL scan far more rows on 2M documents).
            units = Department.objects.led_by(user).values("pk")
            received = self.model.recipient_departments.through.objects.filter(department_id__in=units)
            in_department = Q(department_id__in=units) | Q(pk__in=received.values("document_id"))
            scoped = self.filter(named | (in_department & Q(confidentiality=Confidentiality.NORMAL)))
            scoped._scope_branches = _ScopeBranches(self, named, units, received)
        else:
            scoped = self.filter(named)
            scoped._scope_branches = _ScopeBranches(self, named)
        # Its branches are read from `self` (`base`): their ids are these rows until a filter.
        scoped._scope_only = True
        scoped._scope_at = len(scoped.query.where.children)
        return scoped

    def to_handle_by(self, user):
        """Incoming documents the user leads or co-handles that are not done yet."""
        # The co-handled ids first (one small indexed query): `officer_id = … OR id IN (1, 2, …)`
        # is then two index lookups, where an EXISTS made PostgreSQL visit every open incoming
        # document of the agency (~20,000 rows at 2M documents).
        co_handled = list(
            self.model.co_handlers.through.objects.filter(user_id=user.pk).values_list("document_id", flat=True)
        )
        return self.filter(direction=Direction.INCOMING, status__in=OPEN_STATUSES).filter(
            Q(officer_id=user.pk) | Q(pk__in=co_handled)
        )

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=OPEN_STATUSES, deadline__lt=today)

    def search(self, text: str):
        """Accent-insensitive: every word must appear in the number, summary or issuer.
        On PostgreSQL a trigram index on `search_text` serves the LIKE."""
        words = search_key(text).split()
        postgresql = connections[self.db].vendor == "postgresql"
        if words and postgresql and self._scope_branches is None and self._rows_unchanged():
            # The agency (issue 16): the probe tells a rare word, whose few ids are then the rows;
            # for any other, a page walks the date index (`_walked_page`). Neither is left to
            # PostgreSQL's guess of the words' matches from the trigram statistics.
            # The probe reads the matches with their dates, directions and years: the page is
            # then its own ids, looked up by the primary key, and the count known.
            rows = self._few_matches(words, base=self.order_by().values_list(*_DATED))
            if rows is not None:
                matching = self.filter(_contains_all(words))
                checked = range(len(matching.query.where.children))  # the probe tested them all
                return matching._narrowed(_by_id(rows), checked)
            before = len(self.query.where.children)
            for word in words:
                self = self.filter(search_text__contains=word)
            self._walk_words = (words, range(before, len(self.query.where.children)))
            return self
        if words and self._scope_branches is not None and postgresql:
            ids = self._few_matches(words)  # every match in the agency, not only the scope's
            scope_matches = ids is None
            if scope_matches:
                ids = self._matches_in_scope(words)
            if ids is not None:
                # The same words, tested so that the trigram index is no option: with the ids
                # at hand, PostgreSQL reads just them (it preferred the trigram bitmap of all
                # 60,000 matches of a common phrase, its guess being ~1,000).
                if scope_matches:  # with their values: the scope's matches, and with no other filter the rows
                    before = len(self.query.where.children)
                    matching = self.filter(_contains_all(words))
                    words_at = range(before, len(matching.query.where.children))
                    return matching._narrowed(_by_id(ids), [*range(self._scope_at), *words_at])
                narrowed = self.filter(_contains_all(words), _id_in(ids))
                narrowed._narrowed_to_ids = True
                return narrowed
        for word in words:
            self = self.filter(search_text__contains=word)
        return self

    def in_small_scope(self):
        """The same rows, read over the scope's ids when a department head's scope holds at
        most SMALL_SCOPE_IDS documents (PostgreSQL; one more query, whatever the rows).

        PostgreSQL cannot tell how many rows the scope's OR holds (it guessed 1.5 million for a
        unit head's 9,700 of 2 million): the capped count of the register then read the whole
        table (1 s) and a deep page walked the date index through it (1.7 s). The ids, each
        branch read by its own index as `_matches_in_scope` does, make both a read of just
        those rows; every filter and the ordering of the query still apply. A larger scope
        (a head of a department with units) keeps the plain query, which finds its pages in
        the date index quickly."""
        # An officer's scope is bitmaps of its own indexes, which PostgreSQL plans well (their
        # count: 43 ms plain, 37 + 75 ms over the ids); a department's OR it cannot estimate.
        if (
            self._scope_branches is None
            or self._scope_branches.departments is None
            or self._narrowed_to_ids
            or connections[self.db].vendor != "postgresql"
        ):
            return self
        branches = self._scope_branches
        # With their dates, directions and years, from the same index entries (migration
        # documents/0017): the order of the rows is then known without reading them.
        base = branches.base.order_by().values_list(*_DATED)
        ids = base.filter(branches.named)
        if branches.departments is not None:
            normal = Q(confidentiality=Confidentiality.NORMAL)
            # UNION ALL: read in turn and stopped by the LIMIT, where UNION's hash read all of a
            # large scope (130,000 ids for a head of ten units) before answering.
            ids = ids.union(
                base.filter(_equals_any("department_id", branches.departments) & normal),
                base.filter(_equals_any("id", branches.received.values("document_id")) & normal),
                all=True,
            )
        rows = list(ids[: SMALL_SCOPE_IDS + 1])
        if len(rows) > SMALL_SCOPE_IDS:
            if not self._rows_are_the_scope():
                return self
            # No filter: the rows are at least these ids (the capped count needs no query), and
            # a page is chosen from `doc_date_scope`'s entries (`__getitem__`). Only their number
            # is kept: a document may be in two branches.
            large = self._with_known_count(len({row[0] for row in rows}), exact=False)
            large._deferred_page = True
            return large
        # One array parameter, not thousands of placeholders; its length is known to the planner.
        # No filter: these ids are the rows, their number the count, their dates the order; a
        # filter on the direction, date or year is evaluated on the values (`_rows_from_ids`).
        return self._narrowed(_by_id(rows), range(self._scope_at))

    def _few_matches(self, words, base=None) -> list | None:
        """The ids of every document the words match, whoever may see it (or, with `base`, the
        rows of `base` they match: ids, or tuples of its values), when they are few
        (at most RARE_MATCHES) and the trigram index finds them within RARE_PROBE_MS; else None.

        A rare word is found at once by the trigram index alone, while reading a large scope
        costs the same whatever the words (a head of a department with units: ~130,000
        documents). Which one a word is, PostgreSQL cannot tell (it guessed ~15,000 rows for a
        word found in 330), so the index is asked, within a budget: plans other than the
        trigram bitmap are switched off for this one query (a LIMIT would otherwise invite a
        sequential scan), it stops after RARE_MATCHES + 1 rows, and a statement that has not
        finished in RARE_PROBE_MS is cancelled — a common word then costs that much more."""
        if base is None:
            base = self._scope_branches.base.order_by().values_list("pk", flat=True)
        probe = base.filter(*[Q(search_text__contains=word) for word in words])[: RARE_MATCHES + 1]
        sql, params = probe.query.sql_with_params()
        # Only the trigram bitmap: a LIMIT would otherwise invite a sequential scan.
        rows = _within_budget(self.db, sql, params, RARE_PROBE_MS, plans_off=("enable_seqscan", "enable_indexscan"))
        if rows is None:  # cancelled: not a rare word
            return None
        ids = [row if len(row) > 1 else row[0] for row in rows]  # (pk, …) or pk
        return ids if len(ids) <= RARE_MATCHES else None

    def _matches_in_scope(self, words) -> list[int] | None:
        """A search in a department's or an officer's scope (issue 16): the ids of its matches,
        each branch of the scope read by its own index (None: more than SCOPED_SEARCH_IDS). The
        page and the count are then read over those ids, with every filter of the query still
        applied, so the rows are the same as without this step: the ids only narrow what
        PostgreSQL reads.

        Asked for a page newest first, PostgreSQL guessed the words' selectivity from trigram
        statistics (~15,000 rows for a word found in 330) and walked the date index backwards
        through two million documents to find the few a head may see (0.8 s). Here nothing is
        ordered, and each branch reads only the scope's own rows:
        - the named documents (the officer's, the drafter's, co-handled or dispatched ids): the
          bitmaps of their indexes, the words tested on those rows (a few hundred, a few
          thousand for the busiest; the trigram bitmap of a common phrase alone costs more);
        - the departments' documents: an index-only scan of `doc_department_search` (department,
          id, with the search text), the words tested in the index entries, no heap;
        - the documents sent to those departments: the recipient rows of those departments
          whose copy of the search text holds the words, read from `doc_recipient_search`
          (department_id, document_id, with the search text: one range per department); only
          those ids are then looked up in `doc_id_search`, for the confidentiality and the
          trash. (Before migration 0014 all of them were: ~29,600 lookups for the head of
          QLĐT and its 9 units, 156 of the search's 276 ms.)
        """
        branches = self._scope_branches
        # With their dates, directions and years, from the same index entries (migration
        # documents/0017): the page is then chosen without reading every match (`__getitem__`).
        base = branches.base.order_by().values_list(*_DATED)
        words_in = _contains_all(words)
        ids = base.filter(branches.named & words_in)
        if branches.departments is not None:
            normal = Q(confidentiality=Confidentiality.NORMAL) & words_in
            received = _received_contains_all(branches.received, words).values("document_id")
            ids = ids.union(
                base.filter(_equals_any("department_id", branches.departments) & normal),
                base.filter(_equals_any("id", received) & normal),
            )
        ids = list(ids[: SCOPED_SEARCH_IDS + 1])
        return None if len(ids) > SCOPED_SEARCH_IDS else ids


# --- paper documents and their reasons (issue 14) ------------------------------------------------


def paper_counts(
    *, start: datetime.date, end: datetime.date, department=None, officer=None, exclude_confidential: bool = True
) -> dict[str, int]:
    """The paper documents counted in E over [start, end) — for the agency, a department and its
    units, or an officer — split into justified and unjustified paper reasons (a paper document
    without a recorded reason counts as unjustified). One SQL aggregate; the dashboard shows it
    beside E. With `exclude_confidential` (E's setting), confidential documents are left out, as
    from E itself."""
    from .models import Document

    rows = Document.objects.filter(register_date__gte=start, register_date__lt=end, form=Form.PAPER)
    if exclude_confidential:
        rows = rows.filter(confidentiality=Confidentiality.NORMAL)
    if officer is not None:
        rows = rows.filter(officer_id=officer.pk)
    elif department is not None:
        rows = rows.filter(department__path__startswith=department.path)
    justified = Q(paper_reason__in=PaperReason.justified())
    return rows.aggregate(
        justified=models.Count("id", filter=justified), unjustified=models.Count("id", filter=~justified)
    )


def unevidenced_electronic():
    """Documents declared electronic without the evidence the portal now asks for (issue 14,
    1d): an incoming one without a file of its content, an outgoing or internal one without a
    digitally signed PDF. Listed once for the Office to fix or to count as paper."""
    from .models import Attachment, Document
    from .signatures import SIGNED

    any_file = Attachment.objects.filter(document=models.OuterRef("pk"))
    signed = any_file.filter(signature_status__in=SIGNED)
    return (
        Document.objects.filter(form=Form.ELECTRONIC)
        .alias(has_file=models.Exists(any_file), has_signed=models.Exists(signed))
        .filter(
            Q(direction=Direction.INCOMING, has_file=False) | (~Q(direction=Direction.INCOMING) & Q(has_signed=False))
        )
    )


# --- a document inside another record ------------------------------------------------------------


@dataclass(frozen=True)
class ShownDocument:
    """A document as one viewer may read it where another record shows it (a dossier's items,
    the messages about them): its number and summary when the viewer may open the document,
    otherwise only that a document is there ("Văn bản mật" for a confidential one). The date
    and form stay: the dossier's own order, form and closing depend on them."""

    pk: int
    visible: bool
    confidential: bool
    number: str  # "155/CT-TTHT" (or the register number), "" when hidden
    summary: str  # "" when hidden
    register_date: datetime.date | None
    form: str

    @property
    def title(self) -> str:
        """One line: "155/CT-TTHT – V/v an toàn lao động…", or the hidden label."""
        return f"{self.number} – {self.summary[:60]}" if self.visible else self.label

    @property
    def label(self) -> str:
        """A noun phrase for messages: "Văn bản 155/CT-TTHT", or the hidden label."""
        if self.visible:
            return _("Văn bản %(symbol)s") % {"symbol": self.number}
        return _("Văn bản mật") if self.confidential else _("Văn bản không thuộc phạm vi được xem")


def documents_shown_to(user, documents: Iterable) -> dict[int, ShownDocument]:
    """What `user` may read of each document, keyed by id, in one query for the whole page.

    Every surface that shows a document inside another record goes through this, never through
    `document.number_symbol` or `document.summary` of a relation: an officer's dossier is seen
    by his head, who may not open a confidential document the officer leads (issue 12). The
    scope is `visible_to` itself; a document in the trash keeps the scope it had.
    """
    from .models import Document

    documents = {d.pk: d for d in documents if d is not None}
    visible = set(
        Document.all_objects.visible_to(user).filter(pk__in=list(documents)).values_list("pk", flat=True)
        if documents
        else ()
    )
    shown = {}
    for pk, document in documents.items():
        may_read = pk in visible
        shown[pk] = ShownDocument(
            pk=pk,
            visible=may_read,
            confidential=document.confidentiality != Confidentiality.NORMAL,
            number=(document.number_symbol or document.display_number) if may_read else "",
            summary=document.summary if may_read else "",
            register_date=document.register_date,
            form=document.form,
        )
    return shown


def document_get_for_user(*, user, pk, include_deleted=False):
    """The one way a page opens a document: from `visible_to(user)`, or 404 whether it is
    missing or out of scope (recordsportal/guards.py `get_visible_or_404`)."""
    from recordsportal.guards import get_visible_or_404

    from .models import Document

    manager = Document.all_objects if include_deleted else Document.objects
    queryset = manager.visible_to(user).select_related("department__head", "officer", "created_by", "assigned_by")
    return get_visible_or_404(queryset, pk=pk)
