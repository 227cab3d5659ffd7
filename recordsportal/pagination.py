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
    total: int | None = None  # the matching rows, up to COUNT_CAP (None: not counted)
    total_capped: bool = False  # more than COUNT_CAP rows match: shown as "hơn 10.000"

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

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.rows) - 1

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


MAX_PAGE = 2000  # beyond this, narrow the filters (deep OFFSETs are slow and nobody reads them)


def _page_number(page_param) -> int:
    try:
        return max(1, min(int(page_param or 1), MAX_PAGE))
    except (TypeError, ValueError):
        return 1


def quick_page(queryset, page_param, page_size: int = 50) -> QuickPage:
    number = _page_number(page_param)
    offset = (number - 1) * page_size
    rows = list(queryset[offset : offset + page_size + 1])
    return QuickPage(rows=rows[:page_size], number=number, page_size=page_size, has_next=len(rows) > page_size)


COUNT_CAP = 10_000


def capped_count(queryset, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(rows, more than cap?) without counting millions: COUNT(*) over a subquery that stops at
    cap + 1 rows (SELECT COUNT(*) FROM (SELECT ... LIMIT 10001)), the ordering dropped. A broad
    filter over two million rows reads at most 10,001 of them; a narrow one costs what its rows do."""
    counted = queryset.order_by()[: cap + 1].count()
    return min(counted, cap), counted > cap


def counted_page(queryset, page_param, page_size: int = 50, cap: int = COUNT_CAP, narrow=None) -> QuickPage:
    """quick_page with the number of matching rows ("1.234 văn bản", or "hơn 10.000"). A first
    page that holds every row needs no count query at all.

    `narrow`, if given, returns the same rows as a queryset cheaper to count and to page deep
    into (a small scope read over its ids: `DocumentQuerySet.in_small_scope`); it is called
    only when needed, and the first page keeps `queryset`, whose newest rows an index finds at
    once."""
    narrowed = []

    def cheaper():
        if not narrowed:
            narrowed.append(narrow() if narrow else queryset)
        return narrowed[0]

    page = quick_page(queryset if _page_number(page_param) == 1 else cheaper(), page_param, page_size)
    if page.number == 1 and not page.has_next:
        page.total, page.total_capped = len(page.rows), False
    else:
        page.total, page.total_capped = capped_count(cheaper(), cap)
    return page
