"""Steps shared by the help tests: opening a request as a browser does, files to attach."""

import io
import re

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import CSRF_INPUT

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def multipart(client, path: str, data: dict, files=(), page: str | None = None):
    """POST data and files as a browser's form does: multipart, with the page's CSRF token."""
    html = client.get(page or path).get_data(as_text=True)
    fields = {"csrf_token": CSRF_INPUT.search(html).group(1), **data}
    body_fields = list(fields.items()) + [
        ("files", FileStorage(io.BytesIO(content), name)) for content, name in files
    ]
    # Encoded in memory: the test client would spool a big body to a file it never closes.
    boundary, body = encode_multipart(_multi(body_fields))
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _multi(pairs):
    from werkzeug.datastructures import MultiDict

    return MultiDict(pairs)


def open_request(client, text="Интернет пропадает каждый вечер", subject="technical", files=()):
    """Open a request from /help/requests/new; the response of the POST."""
    return multipart(client, "/help/requests/new", {"subject": subject, "text": text}, files=files)


def number_of(response) -> int:
    """The request number a redirect to its page names."""
    return int(re.search(r"/help/requests/(\d+)", response.headers["Location"]).group(1))


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True)).replace("\xa0", " ")
