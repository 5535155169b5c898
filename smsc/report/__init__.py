"""The report of a run, for QA to attach to a ticket: what the app sent and how it behaved
(messages by state, parts, reply and opt-out rates, the app's response times, findings by
code), as JSON-able data (``data``), Markdown (``markdown``) and a self-contained HTML page
with inline SVG charts (``html``). Pure: the data comes from the store and the checker."""

from .data import checker_summary, message_counts, report_data
from .html import render_html
from .markdown import render_markdown

__all__ = ["checker_summary", "message_counts", "render_html", "render_markdown", "report_data"]
