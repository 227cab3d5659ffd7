"""Server-rendered SVG charts for the PDF reports (WeasyPrint draws inline SVG; no JavaScript)."""

import textwrap

from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _

LABEL_CHARS = 30  # per line of a department's name; long names wrap (never cut: "…Xây dựn")
LABEL_LINES = 3


def _label_lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_CHARS) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[: LABEL_LINES - 1] + [" ".join(lines[LABEL_LINES - 1:])]
    return lines


def _percent(value: float) -> str:
    """100.0 -> "100,0": the decimal comma of the report's language."""
    return number_format(value, decimal_pos=1)


def bar_chart(rows: list[tuple[str, float | None, float | None]], *, target_e: float, target_h: float,
              title: str = "", width: int = 640, bar_height: int = 10) -> str:
    """Horizontal bars, two per department (E and H, in %), with the targets as dashed vertical
    lines, a title and a legend. A department without figures writes "—"; a period where no
    department has a figure draws no chart at all, only a sentence saying so."""
    if not any(e is not None or h is not None for _label, e, h in rows):
        return format_html('<p class="no-chart">{}</p>', _("Không có số liệu trong kỳ để vẽ biểu đồ."))
    label_width, right = 200, 44
    plot = width - label_width - right
    line_height = 10
    heads = 34 if title else 20  # the title, then the legend
    wrapped = [_label_lines(label) for label, _e, _h in rows]
    row_heights = [max(bar_height * 2 + 10, len(lines) * line_height + 6) for lines in wrapped]
    axis = heads + sum(row_heights)
    height = axis + 18

    def x(percent):
        return label_width + plot * max(0.0, min(percent, 100.0)) / 100

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             'font-family="Portal Serif, serif" font-size="9" role="img">']
    if title:
        parts.append(f'<title>{escape(title)}</title>')
        parts.append(f'<text x="{width / 2:.0f}" y="11" text-anchor="middle" font-size="11" font-weight="bold">'
                     f'{escape(title)}</text>')
    legend_y = heads - 10
    legend = [("#8b1a1a", _("E – tỷ lệ văn bản điện tử")), ("#1a5f8b", _("H – tỷ lệ hồ sơ điện tử"))]
    lx = label_width
    for colour, text in legend:
        parts.append(f'<rect x="{lx}" y="{legend_y - 7}" width="9" height="9" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 12}" y="{legend_y + 1}">{escape(text)}</text>')
        lx += 12 + len(text) * 4.6 + 14
    parts.append(f'<line x1="{lx}" y1="{legend_y - 3}" x2="{lx + 16}" y2="{legend_y - 3}" stroke="#333" '
                 'stroke-dasharray="4 3" stroke-width="1"/>')
    parts.append(f'<text x="{lx + 20}" y="{legend_y + 1}">{escape(_("chỉ tiêu"))}</text>')
    for tick in range(0, 101, 20):
        parts.append(f'<line x1="{x(tick):.1f}" y1="{heads}" x2="{x(tick):.1f}" y2="{axis}" stroke="#ddd" stroke-width="0.5"/>')
        parts.append(f'<text x="{x(tick):.1f}" y="{axis + 12}" text-anchor="middle">{tick}%</text>')
    top = heads
    for (_label, e, h), lines, row_height in zip(rows, wrapped, row_heights):
        bars = top + (row_height - (bar_height * 2 + 1)) / 2
        first = top + (row_height - len(lines) * line_height) / 2 + line_height - 2
        parts.append(f'<text x="{label_width - 6}" y="{first:.1f}" text-anchor="end">' + "".join(
            f'<tspan x="{label_width - 6}" dy="{0 if i == 0 else line_height}">{escape(text)}</tspan>'
            for i, text in enumerate(lines)) + "</text>")
        for offset, value, colour in ((0, e, "#8b1a1a"), (bar_height + 1, h, "#1a5f8b")):
            y = bars + offset
            if value is None:
                parts.append(f'<text x="{label_width + 3}" y="{y + bar_height - 1:.1f}" fill="#666">—</text>')
            else:
                parts.append(f'<rect x="{label_width}" y="{y:.1f}" width="{x(value) - label_width:.1f}" '
                             f'height="{bar_height}" fill="{colour}"/>')
                parts.append(f'<text x="{x(value) + 3:.1f}" y="{y + bar_height - 1:.1f}">{_percent(value)}</text>')
        top += row_height
    for value, colour in ((target_e, "#8b1a1a"), (target_h, "#1a5f8b")):
        parts.append(f'<line x1="{x(value):.1f}" y1="{heads}" x2="{x(value):.1f}" y2="{axis}" stroke="{colour}" '
                     'stroke-dasharray="4 3" stroke-width="1"/>')
    parts.append("</svg>")
    return "".join(parts)
