"""The dashboard as ``make run`` serves it (``python -m ui.serve``) on a free local port, and Debian's Chromium to look at it.

Shared by the browser tests and ``bench/bench_map.py``; nothing is downloaded:
the browser is ``/usr/bin/chromium`` driven through ``/usr/bin/chromedriver``.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
# Without the background-networking flags Chromium keeps calling hosts this closed network refuses.
# The disabled features are the address bar's drop-down, which Chromium 15x builds as a web page in
# a renderer of its own at start-up, headless too: 1.1-1.5 s of CPU during the first page load, which
# on two cores slowed that load by as much (bench/bench_map.py, cold).
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--no-first-run",
          "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup")


def available() -> bool:
    """True when Debian's chromium and chromedriver are installed."""
    return os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)


@contextmanager
def dashboard(store: Path, log: Path, timeout_s: float = 60) -> Iterator[str]:
    """Serve ``app.py`` on ``store``; yield its URL once healthy, stop it afterwards.

    Raises
    ------
    RuntimeError
        Streamlit did not answer within ``timeout_s`` seconds (the end of its log is in the message).
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CONFLICTMAP_STORE": str(store), "PYTHONPATH": str(ROOT),
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ui.serve", "--server.headless", "true",
                                 "--server.port", str(port), "--server.address", "127.0.0.1"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, proc, timeout_s, log)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def chromium(profile: Path, window: str = "1400,1100"):
    """A headless Chromium with a fresh profile in ``profile``."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in _FLAGS + (f"--user-data-dir={profile}", f"--window-size={window}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float, log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}")
