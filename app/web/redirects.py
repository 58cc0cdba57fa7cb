"""Redirect targets taken from a request: only a path on this same site."""

from urllib.parse import urlsplit

# WHATWG URL parsing strips these at both ends and drops tab/CR/LF anywhere, so a
# browser reads "/\t/evil.example" as "//evil.example".
_EDGE = "".join(chr(c) for c in range(0x21))
_DROPPED = str.maketrans("", "", "\t\r\n")


def same_site_path(target: str | None) -> str | None:
    """The target as a path on this site, or None when a browser could leave the site."""
    if not target:
        return None
    normalised = target.strip(_EDGE).translate(_DROPPED).replace("\\", "/")
    if not normalised.startswith("/") or normalised.startswith("//"):
        return None
    # Starting with one slash, it has neither scheme nor host: only controls are left.
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in normalised):
        return None
    return normalised


def path_of(url: str | None) -> str | None:
    """The same-site path (with query) of an absolute URL stored for a later redirect."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return same_site_path(parts.path + (f"?{parts.query}" if parts.query else ""))
