"""Picks the tenant and region from the request's host; an unknown host is a 400."""

import io
import mimetypes
import os
import zlib

from flask import Flask, abort, current_app, g, request, send_file, session
from werkzeug.security import safe_join

# Flask's own static view cannot carry the marker.
TENANT_FREE_ENDPOINTS = {"static"}


def tenant_free(view):
    """Mark a view as answered on any host, with no tenant bound: health checks, metrics,
    a gateway's callback configured once per account rather than per ISP."""
    view.tenant_free = True
    return view


def is_tenant_free(app: Flask, endpoint: str | None) -> bool:
    """Whether the endpoint is served without a tenant, on any host."""
    if endpoint in TENANT_FREE_ENDPOINTS:
        return True
    return getattr(app.view_functions.get(endpoint), "tenant_free", False)


def resolve_site() -> None:
    """Set g.site, g.tenant and g.region for this request, or answer 400 for a host not served."""
    if is_tenant_free(current_app, request.endpoint):
        return
    site = current_app.extensions["tenancy"].resolve(request.host)
    if site is None:
        abort(400)
    g.site = site
    g.tenant = site.tenant
    # A host may pin a region; otherwise the region chosen at login, if the tenant has one.
    g.region = site.region or site.tenant.region(session.get("region"))


def public_url(tenant, path: str) -> str:
    """An absolute link for messages, from the tenant's configured host, never the request's.

    PORTAL_LINK_BASE may template it, e.g. "http://{slug}.localhost:5000" in development;
    otherwise the tenant's first host in its YAML, over https.
    """
    template = current_app.config.get("PORTAL_LINK_BASE")
    if template:
        base = template.format(slug=tenant.slug)
    elif tenant.config.hosts:
        base = f"https://{tenant.config.hosts[0].host}"
    else:
        base = f"http://{tenant.slug}.localhost"
    return base.rstrip("/") + path


def region_url(tenant, region, path: str) -> str | None:
    """An absolute URL of path on a host that serves the region, from the tenant's
    configuration, never the request's Host header; None when no host serves it.

    A region without a host of its own is served by the tenant's region-less hosts.
    A development (*.localhost) request goes to a development host, on the port this
    server listens on (SERVER_PORT, not the Host header).
    """
    registry = current_app.extensions["tenancy"]
    development = g.site.development
    host = registry.host_of(tenant, region, development)
    if host is None and region is not None:
        host = registry.host_of(tenant, None, development)
    if host is None:
        return None
    if not development:
        return f"https://{host}{path}"
    scheme = request.scheme
    port = request.environ.get("SERVER_PORT", "")
    default = {"http": "80", "https": "443"}.get(scheme)
    return f"{scheme}://{host}{'' if port in ('', default) else ':' + port}{path}"


def tenant_static(filename: str):
    """The current tenant's own assets (logo, favicon) from tenants/<slug>/static/."""
    path = safe_join(str(g.tenant.folder / "static"), filename)
    if path is None:
        abort(404)
    try:
        with open(path, "rb") as asset:
            body = asset.read()
            stat = os.fstat(asset.fileno())
    except OSError:  # missing, a folder, a name too long for the file system
        abort(404)
    # Served from memory: the assets are small, and no open file is then left waiting on
    # the server to close an answer the browser abandoned.
    return send_file(
        io.BytesIO(body),
        mimetype=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        etag=f"{stat.st_mtime_ns:x}-{len(body):x}-{zlib.adler32(body):x}",
        last_modified=stat.st_mtime,
        max_age=3600,
    )


def init_app(app: Flask) -> None:
    app.before_request(resolve_site)
    app.add_url_rule("/brand/<path:filename>", "tenant_static", tenant_static)
