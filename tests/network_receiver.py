"""A local HTTP server standing in for an ISP's network: it verifies each webhook's signature
and keeps what arrived, answering with the statuses a test queues."""

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SECRET = "network-test-secret"


@dataclass(frozen=True)
class Arrival:
    path: str
    headers: dict
    body: bytes
    verified: bool

    @property
    def event(self) -> dict:
        return json.loads(self.body)


class Receiver:
    def __init__(self):
        self.arrivals: list[Arrival] = []
        self.answers: list[int] = []  # statuses to answer with, first in first out; then 200
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stamp = self.headers.get("X-Portal-Timestamp", "")
                mac = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
                given = self.headers.get("X-Portal-Signature", "")
                verified = hmac.compare_digest(given, f"sha256={mac.hexdigest()}")
                with receiver.lock:
                    receiver.arrivals.append(Arrival(self.path, dict(self.headers), body, verified))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status if verified else 401)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def event_ids(self) -> list[str]:
        return [a.headers["X-Portal-Event-Id"] for a in self.arrivals]


@pytest.fixture
def network(monkeypatch):
    """At Home's provisioning link pointed at a local receiver with a known secret."""
    receiver = Receiver()
    monkeypatch.setenv("ATHOME_PROVISIONING_URL", f"{receiver.url}/athome")
    monkeypatch.setenv("ATHOME_PROVISIONING_SECRET", SECRET)
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
