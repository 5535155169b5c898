"""Charts as inline SVG (no script, no external asset): horizontal bars with their labels and
values, which print and survive being attached to a ticket."""

from __future__ import annotations

from html import escape

__all__ = ["bar_chart"]

_ROW, _LABEL, _BAR, _VALUE = 22, 230, 300, 60


def bar_chart(title: str, rows: list[tuple[str, float]], colour: str = "#3b6fb6") -> str:
    """A titled horizontal bar chart of ``rows`` (label, value)."""
    height = _ROW * max(len(rows), 1) + 30
    width = _LABEL + _BAR + _VALUE
    top = max((v for _, v in rows), default=0) or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f'<text x="0" y="16" class="chart-title">{escape(title)}</text>',
    ]
    if not rows:
        out.append('<text x="0" y="44" class="chart-empty">nothing yet</text>')
    for i, (label, value) in enumerate(rows):
        y = 30 + i * _ROW
        w = 0 if not value else max(2, round(_BAR * value / top))
        out.append(
            f'<text x="{_LABEL - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{_LABEL}" y="{y + 3}" width="{w}" height="{_ROW - 6}" fill="{colour}"/>'
            f'<text x="{_LABEL + w + 6}" y="{y + 15}">{value:g}</text>'
        )
    out.append("</svg>")
    return "".join(out)
