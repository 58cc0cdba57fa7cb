"""Receipt files: a photo or scan, recognised by content (app.core.uploads)."""

from app.core import uploads
from app.core.uploads import FileKind, discard, save, uploads_root  # noqa: F401

MAX_MEGABYTES = 5
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
# Only what a receipt photo or scan can be.
KINDS = tuple(k for k in uploads.KINDS if k.extension in {".png", ".jpg", ".pdf"})


def detect_kind(content: bytes) -> FileKind | None:
    """The kind of a receipt by its magic bytes, or None for anything else."""
    return uploads.detect_kind(content, KINDS)


def clean_filename(raw: str | None) -> str:
    """The name the subscriber's file had, for people to read; never used as a path."""
    return uploads.clean_filename(raw, "receipt")
