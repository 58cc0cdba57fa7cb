"""The shipped nginx snippet (deploy/nginx/portal-proxy.conf) in front of the portal: a real
nginx on a loopback port, the portal behind it trusting one proxy, as production runs."""

import http.client
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import request
from werkzeug.serving import make_server

from tests.conftest import ROOT

SNIPPET = ROOT / "deploy" / "nginx" / "portal-proxy.conf"
SITE = ROOT / "deploy" / "nginx" / "portal.conf"


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        # `make test` installs it (scripts/ensure-nginx); a bare pytest run elsewhere may not.
        if os.environ.get("CI", "").lower() not in {"", "0", "false", "no", "off"}:
            pytest.fail("nginx is missing; scripts/ensure-nginx installs it")
        pytest.skip("nginx is not installed (scripts/ensure-nginx)")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise AssertionError(f"nothing answered on 127.0.0.1:{port}")


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory) -> Iterator[tuple[int, list[dict]]]:
    """(nginx's port, what the portal saw of each request it was handed)."""
    from tests.conftest import _dispose, portal_app

    nginx = _nginx()
    application = portal_app(PORTAL_TRUSTED_PROXIES=1)
    seen: list[dict] = []

    @application.before_request
    def note():
        seen.append({"host": request.host, "scheme": request.scheme, "ip": request.remote_addr})

    backend = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=backend.serve_forever, daemon=True)
    thread.start()

    folder = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    # The production site's upstream and server blocks differ only in addresses and TLS;
    # the snippet, where every header the portal trusts is set, is included unchanged.
    (folder / "nginx.conf").write_text(
        f"""
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    upstream portal {{ server 127.0.0.1:{backend.port}; keepalive 4; }}
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        include {SNIPPET};
    }}
}}
"""
    )
    process = subprocess.Popen(
        [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, time.monotonic() + 10)
        yield port, seen
    finally:
        process.terminate()
        process.wait(timeout=10)
        backend.shutdown()
        thread.join(timeout=10)
        backend.server_close()
        _dispose(application)


def _get(port: int, host: str, path: str = "/", headers: dict | None = None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "POST" if body is not None else "GET",
            path,
            body=body,
            headers={"Host": host, **(headers or {})},
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_the_site_file_includes_the_snippet_and_defines_its_upstream():
    site = SITE.read_text()
    assert "include /etc/nginx/snippets/portal-proxy.conf;" in site
    assert "upstream portal" in site
    assert "proxy_pass http://portal;" in SNIPPET.read_text()


def test_a_tenant_is_picked_by_the_host_nginx_passes_on(behind_nginx):
    port, seen = behind_nginx
    status, _, body = _get(port, "tomtel.localhost", "/login")
    assert status == 200
    assert "Томтел".encode() in body
    assert seen[-1]["host"] == "tomtel.localhost"


def test_forged_forwarding_headers_are_replaced_by_what_nginx_saw(behind_nginx):
    port, seen = behind_nginx
    status, _, body = _get(
        port,
        "athome.localhost",
        "/login",
        headers={
            "X-Forwarded-Host": "tomtel.localhost",
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "https",
        },
    )
    assert status == 200
    assert "Томтел".encode() not in body
    assert seen[-1] == {"host": "athome.localhost", "scheme": "http", "ip": "127.0.0.1"}


def test_a_body_above_the_portals_limit_stops_at_nginx(behind_nginx):
    port, seen = behind_nginx
    before = len(seen)
    status, _, _ = _get(port, "tomtel.localhost", "/login", body=b"x" * (10 * 1024 * 1024 + 1))
    assert status == 413
    assert len(seen) == before


def test_an_unknown_host_gets_the_portals_answer_not_another_tenant(behind_nginx):
    port, _ = behind_nginx
    status, _, body = _get(port, "unknown.example", "/login")
    assert status == 400
    assert "Томтел".encode() not in body
