"""Files subscribers send: recognised by their content, kept outside the web root under
random names, read back only through a view that checks who owns them."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, send_file


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    magic: bytes
    family: str  # what a tenant allows: "image" or "pdf"
    offset: int = 0
    more: bytes = b""  # a second signature at a fixed place, e.g. WEBP after RIFF's size

    def matches(self, content: bytes) -> bool:
        if not content.startswith(self.magic, self.offset):
            return False
        return not self.more or content[8:12] == self.more


# The browser's Content-Type and the file's extension are the sender's claims; the first
# bytes are what the file is. Only kinds a browser shows inertly: no SVG (it runs script).
KINDS = (
    FileKind("image/png", ".png", b"\x89PNG\r\n\x1a\n", "image"),
    FileKind("image/jpeg", ".jpg", b"\xff\xd8\xff", "image"),
    FileKind("image/gif", ".gif", b"GIF87a", "image"),
    FileKind("image/gif", ".gif", b"GIF89a", "image"),
    FileKind("image/webp", ".webp", b"RIFF", "image", more=b"WEBP"),
    FileKind("application/pdf", ".pdf", b"%PDF-", "pdf"),
)


def detect_kind(content: bytes, kinds: tuple[FileKind, ...] = KINDS) -> FileKind | None:
    """The kind of a file among kinds by its magic bytes, or None for anything else."""
    return next((kind for kind in kinds if kind.matches(content)), None)


def kinds_of(families) -> tuple[FileKind, ...]:
    """The known kinds of the given families, e.g. ("image", "pdf")."""
    return tuple(kind for kind in KINDS if kind.family in set(families))


def uploads_root(app: Flask) -> Path:
    """Where files live: PORTAL_UPLOADS_DIR, else instance/uploads (never under static/)."""
    configured = app.config.get("PORTAL_UPLOADS_DIR")
    return Path(configured) if configured else Path(app.instance_path) / "uploads"


def save(root: Path, tenant_slug: str, content: bytes, kind: FileKind) -> str:
    """Write the file under <root>/<tenant>/<random name>; return the path relative to root."""
    folder = root / tenant_slug
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = secrets.token_hex(16) + kind.extension
    # O_EXCL: a name clash (or a planted symlink) fails instead of overwriting something.
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    return f"{tenant_slug}/{name}"


def discard(root: Path, relative: str) -> None:
    """Remove a stored file whose row was not saved after all."""
    (root / relative).unlink(missing_ok=True)


def stored_path(root: Path, relative: str) -> Path | None:
    """The stored file's path, only when it lies inside root and exists."""
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return None
    return path


def download(root: Path, stored) -> Response | None:
    """A stored file (its file_path, content_type, original_filename) as a download no
    browser shows inline; None when it is not on disk."""
    path = stored_path(root, stored.file_path)
    if path is None:
        return None
    response = send_file(
        path,
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.original_filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def clean_filename(raw: str | None, fallback: str = "file") -> str:
    """The name the subscriber's file had, for people to read; never used as a path."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or fallback
