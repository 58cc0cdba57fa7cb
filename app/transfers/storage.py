"""Receipt files: recognised by their content, kept outside the web root under random names."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

MAX_MEGABYTES = 5
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    magic: bytes


# Only what a receipt photo or scan can be. The browser's Content-Type and the file's
# extension are the sender's claims; the first bytes are what the file is.
KINDS = (
    FileKind("image/png", ".png", b"\x89PNG\r\n\x1a\n"),
    FileKind("image/jpeg", ".jpg", b"\xff\xd8\xff"),
    FileKind("application/pdf", ".pdf", b"%PDF-"),
)


def detect_kind(content: bytes) -> FileKind | None:
    """The kind of a receipt by its magic bytes, or None for anything else."""
    for kind in KINDS:
        if content.startswith(kind.magic):
            return kind
    return None


def uploads_root(app: Flask) -> Path:
    """Where receipts live: PORTAL_UPLOADS_DIR, else instance/uploads (never under static/)."""
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
    """Remove a stored file whose request was not saved after all."""
    (root / relative).unlink(missing_ok=True)


def clean_filename(raw: str | None) -> str:
    """The name the subscriber's file had, for people to read; never used as a path."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or "receipt"
