"""Small threaded HTTP servers on 127.0.0.1 standing in for payment gateways' APIs."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGateway:
    """Serves JSON on an ephemeral port; `answer(method, path, headers, body)` is the
    gateway's logic. `delay` holds every answer that long (a gateway too slow to wait for);
    the wait ends at once when the server closes."""

    def __init__(self):
        self.requests: list[tuple[str, str, dict, dict]] = []
        self.delay = 0.0
        self.lock = threading.Lock()
        self.closing = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw) if raw else {}
                headers = {k.lower(): v for k, v in self.headers.items()}
                with gateway.lock:
                    gateway.requests.append((method, self.path, headers, body))
                if gateway.delay:
                    gateway.closing.wait(gateway.delay)
                with gateway.lock:
                    status, answer = gateway.answer(method, self.path, headers, body)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def answer(self, method: str, path: str, headers: dict, body: dict) -> tuple[int, dict]:
        raise NotImplementedError

    def calls(self, method: str, path: str) -> list[tuple[dict, dict]]:
        """(headers, body) of each request made to method+path."""
        return [(h, b) for m, p, h, b in self.requests if m == method and p == path]

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()
