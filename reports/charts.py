"""Server-rendered SVG charts for the PDF reports (WeasyPrint draws inline SVG; no JavaScript)."""

from django.utils.html import escape


def bar_chart(rows: list[tuple[str, float | None, float | None]], *, target_e: float, target_h: float,
              width: int = 640, bar_height: int = 10) -> str:
    """Horizontal bars, two per department (E and H, in %), with the targets as vertical lines.
    An empty period draws no bar and writes "—"."""
    label_width, right = 170, 40
    plot = width - label_width - right
    row_height = bar_height * 2 + 10
    height = row_height * len(rows) + 30

    def x(percent):
        return label_width + plot * max(0.0, min(percent, 100.0)) / 100

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             'font-family="Portal Serif, serif" font-size="9">']
    for tick in range(0, 101, 20):
        parts.append(f'<line x1="{x(tick):.1f}" y1="0" x2="{x(tick):.1f}" y2="{height - 20}" stroke="#ddd" stroke-width="0.5"/>')
        parts.append(f'<text x="{x(tick):.1f}" y="{height - 8}" text-anchor="middle">{tick}%</text>')
    for index, (label, e, h) in enumerate(rows):
        top = index * row_height + 4
        parts.append(f'<text x="{label_width - 6}" y="{top + bar_height + 4}" text-anchor="end">{escape(label[:34])}</text>')
        for offset, value, colour in ((0, e, "#8b1a1a"), (bar_height + 1, h, "#1a5f8b")):
            if value is None:
                parts.append(f'<text x="{label_width + 3}" y="{top + offset + bar_height - 1}" fill="#666">—</text>')
            else:
                parts.append(f'<rect x="{label_width}" y="{top + offset}" width="{x(value) - label_width:.1f}" '
                             f'height="{bar_height}" fill="{colour}"/>')
                parts.append(f'<text x="{x(value) + 3:.1f}" y="{top + offset + bar_height - 1}">{value:.1f}</text>')
    for value, colour in ((target_e, "#8b1a1a"), (target_h, "#1a5f8b")):
        parts.append(f'<line x1="{x(value):.1f}" y1="0" x2="{x(value):.1f}" y2="{height - 20}" stroke="{colour}" '
                     'stroke-dasharray="4 3" stroke-width="1"/>')
    parts.append("</svg>")
    return "".join(parts)
