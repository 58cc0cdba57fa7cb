"""A stand-in for SMS.ru's HTTP API (POST /sms/send, json=1), on 127.0.0.1 and a free port.

It answers the way SMS.ru does: a wrong api_id is status_code 200 for the whole request; a
refused number is "ERROR" with its status_code under sms.<number>; a taken text gets an
sms_id. Switches make it refuse (`refuse_with`), or stall without taking the text until the
client has given up (`stall`). `report` posts a delivery report to the portal the way SMS.ru
posts to an account's callback URL.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

STALL_LIMIT = 10.0  # seconds a stalled answer waits at most for the test to end it


class FakeSmsRu:
    """What the gateway took, and how it is to answer next."""

    def __init__(self, api_id: str = "fake-api-id"):
        self.api_id = api_id
        self.messages: list[dict] = []  # {"sms_id", "to", "msg", "from"}: texts it took
        self.requests = 0
        self.refuse_with: int | None = None  # a per-number status_code, e.g. 207
        self.stall = 0  # how many next requests stall without taking their text
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeSmsRu":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def report(self, client, path: str, sms_id: str, code: int):
        """POST one delivery report (sms_status) to the portal's callback path, as SMS.ru."""
        entry = f"sms_status\n{sms_id}\n{code}\n{int(time.time())}"
        return client.post(path, data={"data[]": [entry]})

    def _answer(self, form: dict) -> dict:
        with self._lock:
            self.requests += 1
            if self.stall:
                self.stall -= 1
                stalled = True
            else:
                stalled = False
        if stalled:
            self._released.wait(STALL_LIMIT)
            return {"status": "ERROR", "status_code": 500, "status_text": "stalled"}
        if form.get("api_id") != self.api_id:
            return {"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"}
        number = form.get("to", "")
        if self.refuse_with is not None:
            refused = {"status": "ERROR", "status_code": self.refuse_with, "status_text": "нет"}
            return {"status": "OK", "status_code": 100, "sms": {number: refused}}
        with self._lock:
            sms_id = f"{len(self.messages) + 1:06d}-{100000 + len(self.messages)}"
            self.messages.append(
                {"sms_id": sms_id, "to": number, "msg": form.get("msg"), "from": form.get("from")}
            )
        taken = {"status": "OK", "status_code": 100, "sms_id": sms_id}
        return {"status": "OK", "status_code": 100, "sms": {number: taken}, "balance": 100.5}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                fields = parse_qs(self.rfile.read(length).decode())
                form = {name: values[0] for name, values in fields.items()}
                if self.path != "/sms/send" or form.get("json") != "1":
                    self.send_error(404)
                    return
                body = json.dumps(fake._answer(form)).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up waiting: nobody reads the answer

            def log_message(self, *args):
                pass  # quiet: the texts carry codes

        return Handler
