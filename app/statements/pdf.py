"""HTML to PDF with WeasyPrint: Pango and HarfBuzz shape Cyrillic and Devanagari properly."""

from functools import cache
from pathlib import Path

STYLESHEET = Path(__file__).parent / "static" / "documents.css"


class NoFetching(Exception):
    """The documents are self-contained; nothing is ever fetched while rendering."""


def _refuse(url: str, *args, **kwargs):
    # A URL slipped into a document must not make the server fetch files or hosts.
    raise NoFetching(url)


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=_refuse)


def render_pdf(html: str) -> bytes:
    """The PDF of a complete HTML document, styled like the page's print version."""
    # Imported here: loading Pango takes a moment that other pages need not pay.
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=_refuse, base_url="about:blank")
    return document.write_pdf(stylesheets=[_stylesheet()])
