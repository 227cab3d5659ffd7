"""Write rules for the emulation review: the Office reviews violations, leadership decides."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from recordsportal import audit
from recordsportal.models import User
from recordsportal.roles import Role
from recordsportal.services import DomainError
from recordsportal.text import normalize_text

from . import notices
from .models import DeductionRule, Violation, ViolationKind

# Used until the Office sets its own table (Vi phạm và thi đua → Mức trừ điểm thi đua).
DEFAULT_POINTS = {
    ViolationKind.E_BELOW_TARGET: Decimal("1.0"),
    ViolationKind.H_BELOW_TARGET: Decimal("1.0"),
    ViolationKind.INVENTORY_LATE: Decimal("0.5"),
    ViolationKind.INVENTORY_MISSING: Decimal("2.0"),
    ViolationKind.DOSSIERS_OVERDUE: Decimal("1.0"),
    ViolationKind.DOCUMENTS_OVERDUE: Decimal("0.5"),
}

OPEN = [Violation.Status.DETECTED, Violation.Status.NOTIFIED]

# Points are stored with 5 digits, 2 of them decimals (DeductionRule.points, proposed_points);
# no deduction of the emulation rules comes near 100.
MAX_POINTS = Decimal("100")
POINTS_MESSAGES = {
    "invalid": _lazy("Nhập một số, ví dụ 0,5."),
    "min_value": _lazy("Điểm trừ không được âm."),
    "max_value": _lazy("Điểm trừ tối đa là 100."),
    "max_decimal_places": _lazy("Tối đa 2 chữ số thập phân."),
}
# More than 4 digits before the decimal point is over the maximum; more than 5 digits in all is
# either that or too many decimals.
POINTS_MESSAGES.update(max_whole_digits=POINTS_MESSAGES["max_value"],
                       max_digits=_lazy("Điểm trừ từ 0 đến 100, tối đa 2 chữ số thập phân."))


def points_problem(points: Decimal) -> str | None:
    """Why `points` cannot be proposed as a deduction, or None: the same bounds as the forms'
    field (reports/forms.py `points_field`) and the API's, checked again here for any caller."""
    if not isinstance(points, Decimal) or not points.is_finite():
        return str(POINTS_MESSAGES["invalid"])
    if points < 0:
        return str(POINTS_MESSAGES["min_value"])
    if points > MAX_POINTS:
        return str(POINTS_MESSAGES["max_value"])
    if points != points.quantize(Decimal("0.01")):
        return str(POINTS_MESSAGES["max_decimal_places"])
    return None


def points_for(kind: str) -> Decimal:
    rule = DeductionRule.objects.filter(kind=kind).first()
    return rule.points if rule else DEFAULT_POINTS.get(kind, Decimal("0"))


def deduction_table() -> dict[str, Decimal]:
    """The points proposed for each kind of violation: the Office's table, defaults elsewhere."""
    table = {kind: DEFAULT_POINTS.get(kind, Decimal("0")) for kind in ViolationKind.values}
    table.update(DeductionRule.objects.values_list("kind", "points"))
    return table


@transaction.atomic
def deduction_table_save(*, acting_user: User, points: dict[str, Decimal]) -> int:
    """The Office sets the points per kind. Violations already confirmed keep the points they
    were proposed with; the new table applies from the next confirmation. Returns rows changed."""
    if not acting_user.has_role(Role.OFFICE):
        raise DomainError(_("Chỉ Văn phòng sửa mức trừ điểm thi đua."))
    unknown = set(points) - set(ViolationKind.values)
    if unknown:
        raise DomainError(_("Loại vi phạm không hợp lệ: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    current = deduction_table()
    changed = 0
    for kind, value in points.items():
        problem = points_problem(value)
        if problem:
            raise DomainError(problem, field=kind)
        rule = DeductionRule.objects.filter(kind=kind).first() or DeductionRule(kind=kind)
        if value != current[kind] or rule.pk is None:
            rule.points = value
            audit.save(rule, acting_user=acting_user)
            changed += value != current[kind]
    return changed


def _review(violation: Violation, acting_user: User, *, allowed_from, status, note="", **fields) -> Violation:
    if not acting_user.has_role(Role.OFFICE):
        raise DomainError(_("Chỉ Văn phòng xem xét vi phạm."))
    note = normalize_text(note)
    if not audit.claim(violation, expected={"status__in": allowed_from}, acting_user=acting_user, reason=note,
                       changes=dict(status=status, review_note=note, reviewed_by=acting_user,
                                    reviewed_at=timezone.now(), **fields)):
        raise DomainError(_("Vi phạm đã được xem xét, không thực hiện được thao tác này."))
    return violation


@transaction.atomic
def violation_notify(*, acting_user: User, violation: Violation, note: str = "") -> Violation:
    """The Office has urged the department (by phone, letter or the reminder)."""
    violation = _review(violation, acting_user, allowed_from=[Violation.Status.DETECTED], status=Violation.Status.NOTIFIED,
                        note=note)
    notices.reviewed(violation)
    return violation


@transaction.atomic
def violation_confirm(*, acting_user: User, violation: Violation, points: Decimal | None = None, note: str = "") -> Violation:
    """Confirm and propose a deduction (from the table unless the Office sets another)."""
    points = points_for(violation.kind) if points is None else points
    problem = points_problem(points)
    if problem:
        raise DomainError(problem, field="points")
    violation = _review(violation, acting_user, allowed_from=OPEN, status=Violation.Status.CONFIRMED, note=note,
                        proposed_points=points)
    notices.reviewed(violation)
    return violation


@transaction.atomic
def violation_dismiss(*, acting_user: User, violation: Violation, reason: str) -> Violation:
    if not normalize_text(reason):
        raise DomainError(_("Phải nêu lý do bỏ qua vi phạm."), field="reason")
    return _review(violation, acting_user, allowed_from=OPEN, status=Violation.Status.DISMISSED, note=reason,
                   proposed_points=None)


@transaction.atomic
def violation_mark_corrected(*, acting_user: User, violation: Violation, note: str = "") -> Violation:
    return _review(violation, acting_user, allowed_from=OPEN, status=Violation.Status.CORRECTED, note=note, proposed_points=None)


@transaction.atomic
def violation_decide(*, acting_user: User, violation: Violation, approve: bool) -> Violation:
    """Leadership approves or rejects the proposed deduction of a confirmed violation."""
    if not acting_user.has_role(Role.LEADERSHIP):
        raise DomainError(_("Chỉ lãnh đạo Ban quyết định trừ điểm thi đua."))
    decision = Violation.Decision.APPROVED if approve else Violation.Decision.REJECTED
    if not audit.claim(violation, expected={"status": Violation.Status.CONFIRMED, "decision": ""},
                       changes={"decision": decision, "decided_by": acting_user, "decided_at": timezone.now()},
                       acting_user=acting_user):
        raise DomainError(_("Chỉ quyết định với vi phạm đã xác nhận và chưa có quyết định."))
    notices.decided(violation)
    return violation
