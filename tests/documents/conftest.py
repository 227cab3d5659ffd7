import datetime

import pytest

from documents import services
from documents.choices import Form


@pytest.fixture
def incoming(agency):
    """Register an incoming document as the clerk; keyword overrides."""

    def _register(**overrides):
        fields = {
            "number_symbol": "125/UBND-KT",
            "issuer": "Ủy ban nhân dân tỉnh",
            "summary": "Về việc triển khai Quyết định số 28/2018/QĐ-TTg",
            "document_date": datetime.date(2026, 3, 2),
            "arrival_date": datetime.date(2026, 3, 3),
            "form": Form.ELECTRONIC,
        }
        fields.update(overrides)
        return services.incoming_register(acting_user=agency.clerk, **fields)

    return _register
