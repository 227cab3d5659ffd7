"""Pages for very long lists without COUNT(*): fetch one row more than the page to know
whether a next page exists. Counting two million rows on every page view costs more than the
page itself; the register shows "page N" and next/previous instead of a total."""

from dataclasses import dataclass


@dataclass
class QuickPage:
    rows: list
    number: int
    page_size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.page_size + 1

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


MAX_PAGE = 2000  # beyond this, narrow the filters (deep OFFSETs are slow and nobody reads them)


def quick_page(queryset, page_param, page_size: int = 50) -> QuickPage:
    try:
        number = max(1, min(int(page_param or 1), MAX_PAGE))
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * page_size
    rows = list(queryset[offset : offset + page_size + 1])
    return QuickPage(rows=rows[:page_size], number=number, page_size=page_size, has_next=len(rows) > page_size)
