import datetime
import itertools

import pytest

from documents.choices import Confidentiality, Direction, Form, Status
from documents.models import Document

_numbers = itertools.count(1)


@pytest.fixture
def make_document(db):
    """A registered document counted for `department`/`officer` on `day` (E counts these fields)."""

    def _make(department, officer=None, day=datetime.date(2026, 3, 10), form=Form.ELECTRONIC,
              confidentiality=Confidentiality.NORMAL, direction=Direction.INCOMING, **extra):
        number = next(_numbers)
        return Document.objects.create(
            direction=direction, series=f"test-{direction}", register_year=day.year, number=number,
            number_symbol=f"{number}/TEST", summary="Văn bản thử", register_date=day, document_date=day,
            form=form, confidentiality=confidentiality, department=department, officer=officer,
            status=Status.DONE if direction == Direction.INCOMING else Status.ISSUED, **extra,
        )

    return _make
