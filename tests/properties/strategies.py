"""Cell values a user (or a hostile file) can put in a spreadsheet, and a workbook writer."""

import datetime
import io

from hypothesis import strategies as st
from openpyxl import Workbook

# Text as typed in Vietnam (precomposed and decomposed diacritics), plus any printable Unicode.
# Control characters and U+FFFE/FFFF cannot be stored in a sound .xlsx at all (a file holding
# them is a damaged file, a different test), so they are left out here.
VIETNAMESE = "ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯ" + "a\u0301e\u0323\u0300"
printable = st.characters(blacklist_categories=("Cs", "Cc", "Co"), blacklist_characters="\ufffe\uffff")
text = st.text(st.one_of(st.sampled_from(VIETNAMESE), printable, st.sampled_from(" \t\n/.,-")), max_size=40)
long_text = st.text(st.sampled_from(VIETNAMESE + "abc xyz"), min_size=256, max_size=3000)
formula = st.sampled_from(["=1/0", "=SUM(A1:A3)", '=HYPERLINK("http://x","y")', "=A1", "+1", "-2", "@SUM(1)"])
numeric_text = st.from_regex(r"\A-?\d{1,5}([.,]\d{1,3})?([eE][+-]?\d{1,7})?\Z", fullmatch=True)
date_text = st.builds(
    lambda d, m, y, sep: f"{d}{sep}{m}{sep}{y}",
    st.integers(0, 40), st.integers(0, 14), st.integers(0, 10000), st.sampled_from(["/", "-", ".", " "]),
)
numbers = st.one_of(
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, -1, 2015, 2026, 1e15, 1e300, 0.5]),
)
dates = st.one_of(
    st.dates(datetime.date(1900, 3, 1), datetime.date(9999, 12, 31)),
    st.datetimes(datetime.datetime(1900, 3, 1), datetime.datetime(9999, 12, 31)),
)
cell = st.one_of(st.none(), text, numbers, dates, formula, numeric_text, date_text, st.booleans(), long_text)


def xlsx(rows, *, title=None, extra_sheets=()) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    if title:
        ws.title = title
    for row in rows:
        ws.append(list(row))
    for name, sheet_rows in extra_sheets:
        extra = workbook.create_sheet(name)
        for row in sheet_rows:
            extra.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="tep.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
