"""The rows of a scope or a search read with their dates (`_DATED`) are kept by id: a document
read in two branches of a scope once, its values in the order `_row_test` reads them."""

import datetime

from documents.querysets import _DATED, _by_id


def test_a_document_read_in_two_branches_is_kept_once_with_its_date_direction_and_year():
    assert _DATED == ("pk", "register_date", "direction", "register_year")
    march, april = datetime.date(2026, 3, 2), datetime.date(2026, 4, 1)
    rows = [(7, march, "incoming", 2026), (9, april, "outgoing", 2026), (7, march, "incoming", 2026)]
    by_id = _by_id(rows)
    assert by_id == {7: (march, "incoming", 2026), 9: (april, "outgoing", 2026)}
    assert by_id[9][0] == april and by_id[9][1] == "outgoing" and by_id[9][2] == 2026
