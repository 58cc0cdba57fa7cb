"""Gunicorn processes for the benchmark: started on a free local port, always stopped."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LOCALHOST = "127.0.0.1"
WORKERS = 2
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# Read instead of the gunicorn.conf.py of the folder the benchmark runs in: no settings.
CONFIG = Path(__file__).with_name("gunicorn.conf.py")


class BenchError(RuntimeError):
    """The benchmark cannot give a trustworthy number."""


@dataclass
class Server:
    """A gunicorn master (leader of its own process group), its port and its ready probe."""

    name: str
    process: subprocess.Popen
    port: int
    log: Path
    probe: tuple[str, str]  # (Host header, path) that answers 200 once the app is up

    def log_tail(self, lines: int = 20) -> str:
        """The end of the server's error log, for failure messages."""
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


def gunicorn_command(target: str, folder: Path, port: int, log: Path) -> list[str]:
    """The same gunicorn settings for every application under test."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(CONFIG),
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"{LOCALHOST}:{port}",
        "--chdir",
        str(folder),
        "--log-level",
        "warning",
        "--error-logfile",
        str(log),
        "--graceful-timeout",
        "5",
        # Two masters would otherwise fight over the one default control socket.
        "--no-control-socket",
        target,
    ]


def launch(name: str, target: str, folder: Path, logs: Path, probe: tuple[str, str]) -> Server:
    """Start gunicorn serving target in the background; wait_ready() tells when it answers."""
    port = free_port()
    log = logs / f"{name}.log"
    process = subprocess.Popen(
        gunicorn_command(target, folder, port, log),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Server(name, process, port, log, probe)


def _probe(port: int, host: str, path: str) -> int | None:
    conn = http.client.HTTPConnection(LOCALHOST, port, timeout=2)
    try:
        conn.request("GET", path, headers={"Host": host})
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def wait_ready(server: Server) -> None:
    """Wait until the server's probe answers 200; fail if it exits, errs or takes too long."""
    host, path = server.probe
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} server exited:\n{server.log_tail()}")
        status = _probe(server.port, host, path)
        if status == 200:
            return
        if status is not None:
            raise BenchError(f"{server.name}: GET {path} on {host} answered {status}")
        time.sleep(0.2)
    raise BenchError(f"{server.name} did not answer within {READY_TIMEOUT:.0f} s")


def stop(server: Server) -> None:
    """Stop the gunicorn master and its workers: TERM the group, KILL it if it lingers."""
    if server.process.poll() is None:
        _signal_group(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            _signal_group(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=STOP_TIMEOUT)
    # Workers orphaned by a crashed master are still in the group.
    _signal_group(server.process.pid, signal.SIGKILL)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)
