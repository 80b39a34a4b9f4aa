"""Headless Chromium driven over the DevTools protocol: load a page at a given window width, read
how wide its content is, and take a screenshot.

The page's own layout is measured: document.documentElement.scrollWidth (the width of everything
it draws) against clientWidth (the width of the window's viewport); a page that fits has the
first no larger than the second, so no horizontal scrollbar.
"""
from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import websocket  # websocket-client, which jupyter_server needs too

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
HEIGHT = 900


@dataclass(frozen=True)
class Layout:
    """What one page drew at one width."""
    width: int  # the window's width asked for, CSS pixels
    scroll_width: int  # document.documentElement.scrollWidth
    client_width: int  # document.documentElement.clientWidth
    png: bytes  # a screenshot of the whole page

    @property
    def fits(self) -> bool:
        return self.scroll_width <= self.client_width


class Chromium:
    """One headless Chromium with a DevTools endpoint; close() ends it."""

    def __init__(self, profile: Path, timeout: float = 60):
        path = shutil.which("chromium") or shutil.which("chromium-browser")
        assert path, "Debian's chromium is needed for this test: apt-get install chromium (.ci/run does)"
        self.timeout = timeout
        self.proc = subprocess.Popen([path, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                                      "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file, deadline = profile / "DevToolsActivePort", time.monotonic() + timeout
        while not (port_file.is_file() and port_file.read_text().strip()):
            assert self.proc.poll() is None and time.monotonic() < deadline, "chromium did not start"
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=timeout)
        self.ids = itertools.count(1)
        self.call("Page.enable")

    def call(self, method: str, **params) -> dict:
        """Send one DevTools command and return its result (events that arrive meanwhile are dropped)."""
        message_id = next(self.ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == message_id:
                assert "error" not in reply, (method, reply["error"])
                return reply["result"]

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"]["value"]

    def layout(self, url: str, width: int) -> Layout:
        """Load url in a window width CSS pixels wide (a desktop window, not a phone's) and measure it."""
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=HEIGHT, deviceScaleFactor=1, mobile=False)
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + self.timeout
        while self.evaluate("document.readyState") != "complete" or self.evaluate("location.href") != url:
            assert time.monotonic() < deadline, f"{url} did not load"
            time.sleep(0.05)
        scroll, client = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        png = base64.b64decode(self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"])
        return Layout(width, scroll, client, png)

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=30)
