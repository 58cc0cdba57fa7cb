"""Requests per second against a local server: wrk when installed, else Python threads."""

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from servers import LOCALHOST, BenchError

STATUS_SCRIPT = Path(__file__).with_name("status.lua")
WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_NOT_OK = re.compile(r"not-200 responses: (\d+)")
WRK_ERRORS = re.compile(r"Socket errors: (.*)")


@dataclass(frozen=True)
class Target:
    """One page to load: port, path and the headers (Host, Cookie, …) to send."""

    port: int
    path: str
    headers: dict[str, str] = field(default_factory=dict)


def generator_name() -> str:
    """Which load generator measure() will use."""
    return shutil.which("wrk") or "python threads (wrk not found)"


def measure(target: Target, seconds: float, connections: int) -> float:
    """Requests per second of target under `connections` concurrent clients; all must be 200."""
    wrk = shutil.which("wrk")
    if wrk:
        return _measure_wrk(wrk, target, seconds, connections)
    return _measure_python(target, seconds, connections)


def _measure_wrk(wrk: str, target: Target, seconds: float, connections: int) -> float:
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "5s"]
    command += ["-s", str(STATUS_SCRIPT)]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{LOCALHOST}:{target.port}{target.path}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    out = done.stdout
    rps, not_ok = WRK_RPS.search(out), WRK_NOT_OK.search(out)
    if done.returncode != 0 or rps is None or not_ok is None:
        raise BenchError(f"wrk failed:\n{out}\n{done.stderr}")
    if int(not_ok.group(1)):
        raise BenchError(f"{not_ok.group(0)} from {target.path} on port {target.port}")
    errors = WRK_ERRORS.search(out)
    if errors:
        raise BenchError(f"wrk socket errors: {errors.group(1)}")
    return float(rps.group(1))


@dataclass
class _Tally:
    ok: int = 0
    bad: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client_loop(target: Target, deadline: float, tally: _Tally) -> None:
    conn = http.client.HTTPConnection(LOCALHOST, target.port, timeout=10)
    ok = 0
    try:
        while time.monotonic() < deadline:
            conn.request("GET", target.path, headers=target.headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise BenchError(f"answered {response.status}")
            ok += 1
            if response.will_close:
                conn.close()  # gunicorn's sync workers close every connection
    except (OSError, http.client.HTTPException, BenchError) as exc:
        with tally.lock:
            tally.bad.append(str(exc))
    finally:
        conn.close()
        with tally.lock:
            tally.ok += ok


def _measure_python(target: Target, seconds: float, connections: int) -> float:
    tally = _Tally()
    start = time.monotonic()
    threads = [
        threading.Thread(target=_client_loop, args=(target, start + seconds, tally), daemon=True)
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.monotonic() - start
    if tally.bad:
        raise BenchError(f"{target.path} on port {target.port}: {tally.bad[0]}")
    return tally.ok / elapsed
