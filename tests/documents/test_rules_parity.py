"""The page offers an action on a document exactly when the service would do it, and the service
refuses with the very messages of documents/rules.py (issue 13: one shape for "may this happen").

Every action, for every actor, on documents at each step of the handling chain: the action is in
`available_actions` iff its `<action>_problems` is empty, and the service does it iff offered,
else raises DomainError whose message is those problems joined."""

import datetime

import pytest
from django.db import transaction

from documents import handling, rules, services
from documents.models import Document
from recordsportal.services import DomainError
from tests.conftest import scan_upload

pytestmark = pytest.mark.django_db

ACTORS = ["clerk", "leader", "head_a", "officer_a", "officer_a2", "officer_b", "head_b", "admin"]


class Undo(Exception):
    """Raised after a service succeeded, to roll its changes back (each case starts afresh)."""


def _service(name, agency, user, document):
    routed = {
        "submit": lambda: services.incoming_submit(acting_user=user, document=document),
        "assign": lambda: services.incoming_assign(acting_user=user, document=document, department=agency.dept_a,
                                                   officer=agency.officer_a),
        "dispatch": lambda: handling.document_dispatch(acting_user=user, document=document,
                                                       officer=agency.officer_a2),
        "return": lambda: handling.document_return(acting_user=user, document=document, reason="Không đúng."),
        "progress": lambda: handling.document_record_progress(acting_user=user, document=document, text="Đang làm."),
        "complete": lambda: handling.document_complete(acting_user=user, document=document),
        "acknowledge": lambda: handling.document_acknowledge(acting_user=user, document=document),
        "attach": lambda: services.attachments_add(acting_user=user, document=document, uploads=[scan_upload()]),
        "delete": lambda: services.document_delete(acting_user=user, document=document),
    }
    return routed[name]


def _rule(name, user, document, receipt):
    """The problems the page consults for `name`: the receipt's for an internal document the
    user acts on, else the document's."""
    if receipt is not None and name in rules.RECEIPT_ACTIONS:
        return rules.RECEIPT_ACTIONS[name](user, receipt)
    if name in rules.DOCUMENT_ACTIONS:
        return rules.DOCUMENT_ACTIONS[name](user, document)
    return ["(no rule without a receipt)"]


@pytest.fixture
def documents_at_each_step(agency, incoming):
    registered = incoming(number_symbol="1/R")
    submitted = services.incoming_submit(acting_user=agency.clerk, document=incoming(number_symbol="2/S"))

    def assigned(symbol):
        document = services.incoming_submit(acting_user=agency.clerk, document=incoming(number_symbol=symbol))
        return services.incoming_assign(acting_user=agency.leader, document=document, department=agency.dept_a,
                                        deadline=datetime.date(2026, 3, 20))

    to_department = assigned("3/A")
    dispatched = handling.incoming_dispatch(acting_user=agency.head_a, document=assigned("4/D"),
                                            officer=agency.officer_a)
    in_progress = handling.incoming_dispatch(acting_user=agency.head_a, document=assigned("5/P"),
                                             officer=agency.officer_a)
    services.incoming_record_progress(acting_user=agency.officer_a, document=in_progress, text="Đang làm.")
    done = handling.incoming_dispatch(acting_user=agency.head_a, document=assigned("6/X"), officer=agency.officer_a)
    services.incoming_complete(acting_user=agency.officer_a, document=done)
    internal = services.internal_send(acting_user=agency.officer_b, kind="CV", summary="Đề nghị phối hợp",
                                      recipient_departments=[agency.dept_a])
    internal_dispatched = services.internal_send(acting_user=agency.officer_b, kind="CV", summary="Phối hợp 2",
                                                 recipient_departments=[agency.dept_a])
    handling.document_dispatch(acting_user=agency.head_a, document=internal_dispatched, officer=agency.officer_a)
    return [registered, submitted, to_department, dispatched, in_progress, done, internal,
            internal_dispatched]


ACTIONS = ["submit", "assign", "dispatch", "return", "progress", "complete", "acknowledge", "attach", "delete"]


@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_is_offered_exactly_when_the_service_does_it(agency, documents_at_each_step, action):
    cases = 0
    for pk in [d.pk for d in documents_at_each_step]:
        for actor in ACTORS:
            user = getattr(agency, actor)
            document = Document.all_objects.select_related("department").get(pk=pk)
            receipt = rules.receipt_for(user, document)
            offered = action in rules.available_actions(user, document, receipt)
            problems = _rule(action, user, document, receipt)
            assert offered == (not problems), (action, actor, document.number_symbol)
            try:
                with transaction.atomic():
                    _service(action, agency, user, document)()
                    raise Undo
            except Undo:
                done = True
            except DomainError as error:
                done = False
                if problems == ["(no rule without a receipt)"] or (
                        document.direction == "internal" and receipt is None and action in rules.RECEIPT_ACTIONS):
                    # An internal document not sent to the user's department: refused before any rule.
                    assert "không gửi tới phòng" in error.message or "Chỉ văn bản nội bộ" in error.message
                else:
                    assert error.message == " ".join(problems), (action, actor, document.number_symbol)
            assert done == offered, (action, actor, document.number_symbol, problems)
            cases += 1
    assert cases == len(ACTORS) * len(documents_at_each_step)


def test_the_trash_is_refused_with_the_rules_messages(agency, incoming):
    """Documents in the trash have no page (Document.objects leaves them out): deleting again
    and restoring are checked here."""
    document = incoming()
    with pytest.raises(DomainError) as error:
        services.document_restore(acting_user=agency.officer_a, document=document)
    assert error.value.message == " ".join(rules.restore_problems(agency.officer_a, document))
    assert len(rules.restore_problems(agency.officer_a, document)) == 2  # not the Office, not in the trash
    services.document_delete(acting_user=agency.clerk, document=document)
    document = Document.all_objects.get(pk=document.pk)
    with pytest.raises(DomainError) as error:
        services.document_delete(acting_user=agency.clerk, document=document)
    assert error.value.message == " ".join(rules.delete_problems(agency.clerk, document)) == (
        "Văn bản đã ở trong thùng rác.")
    assert not rules.restore_problems(agency.clerk, document)
    services.document_restore(acting_user=agency.clerk, document=document)


@pytest.mark.parametrize("actor", ACTORS)
def test_the_offices_own_actions_are_refused_with_the_rules_messages(agency, actor):
    """Registering, numbering and declaring paper are the Office's: the service refuses anyone
    else with the message of the rule in documents/rules.py, and lets the Office through."""
    user = getattr(agency, actor)
    cases = [
        (rules.register_incoming_problems, lambda: services.incoming_register(
            acting_user=user, number_symbol="77/UBND-KT", issuer="UBND tỉnh", summary="V/v thử",
            document_date=datetime.date(2026, 3, 2), arrival_date=datetime.date(2026, 3, 3))),
        (rules.issue_outgoing_problems, lambda: services.outgoing_issue(
            acting_user=user, kind="CV", summary="V/v thử", department=agency.dept_a)),
        (rules.declare_paper_problems, lambda: services.unevidenced_count_as_paper(
            acting_user=user, since=datetime.date(2026, 1, 1))),
    ]
    for rule, call in cases:
        problems = rule(user)
        assert (not problems) == user.has_role("office"), (rule.__name__, actor)
        try:
            with transaction.atomic():
                call()
                raise Undo
        except Undo:
            assert not problems, rule.__name__
        except DomainError as error:
            if problems:
                assert error.message == " ".join(problems), rule.__name__
            else:  # the Office passed the rule; a refusal must then be about the data, not the role
                assert "Chỉ văn" not in error.message, (rule.__name__, error.message)
