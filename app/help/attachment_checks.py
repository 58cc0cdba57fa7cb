"""What a request's message passes, written by a subscriber or by staff: its length and its
files, checked by their content against the tenant's rules."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.core import uploads
from app.tenancy.registry import Tenant

from . import threads

KIND_NAMES = {"image": _l("pictures (PNG, JPEG, GIF, WebP)"), "pdf": _l("PDF documents")}


class Problem(ValueError):
    """The text or a file breaks the tenant's rules; the message says how, in words."""


def kinds_text(tenant: Tenant) -> str:
    """The allowed kinds of files in words, e.g. «pictures (PNG, JPEG, GIF, WebP), PDF»."""
    return ", ".join(str(KIND_NAMES[k]) for k in threads.rules(tenant).attachments.kinds)


def checked_text(tenant: Tenant, value: str | None) -> str:
    """The text, trimmed; Problem when it is longer than the tenant allows."""
    value = (value or "").strip()
    most = threads.rules(tenant).max_chars
    if len(value) > most:
        raise Problem(
            _(
                "The text has %(count)s characters; at most %(max)s fit. Please shorten it.",
                count=len(value),
                max=most,
            )
        )
    return value


def checked_files(tenant: Tenant, chosen: list) -> list[threads.Upload]:
    """The chosen files read and checked by their content; Problem at the first bad one."""
    limits = threads.rules(tenant).attachments
    if len(chosen) > limits.max_files:
        raise Problem(
            ngettext(
                "You may attach at most %(num)s file.",
                "You may attach at most %(num)s files.",
                limits.max_files,
            )
        )
    most = threads.max_bytes(tenant)
    kinds = threads.allowed_kinds(tenant)
    taken = []
    for upload in chosen:
        name = uploads.clean_filename(upload.filename)
        # One byte past the limit is enough to know the file is too large.
        content = upload.stream.read(most + 1)
        if len(content) > most:
            raise Problem(
                _(
                    "«%(name)s» is larger than %(mb)s MB. Please attach a smaller file.",
                    name=name,
                    mb=limits.max_megabytes,
                )
            )
        if not content:
            raise Problem(_("«%(name)s» is empty.", name=name))
        if uploads.detect_kind(content, kinds) is None:
            raise Problem(
                _(
                    "«%(name)s» is not one of the files we accept: %(kinds)s.",
                    name=name,
                    kinds=kinds_text(tenant),
                )
            )
        taken.append(threads.Upload(content, upload.filename))
    return taken
