"""A built site served over HTTP on loopback, and Debian's Chromium to open it."""

import functools
import http.server
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from debian_packages import needs

CHROMIUM = shutil.which("chromium")
needs_chromium = needs("chromium", "fonts-noto-cjk")
# Without the networking flags Chromium reaches for Google's hosts, which this machine refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # the test output is for failures
        pass


class _SlowPageHandler(_QuietHandler):
    """Sends each HTML page up to its <main> (head, header, navigation), then the rest a moment later,
    as a phone on mobile data receives a page: the browser draws the top before the page is complete."""

    pause = 0.5

    def copyfile(self, source, outputfile) -> None:
        page = source.read()
        top = page.find(b"<main") if self.path.endswith(("/", ".html")) else -1
        if top > 0:
            outputfile.write(page[:top])
            outputfile.flush()
            time.sleep(self.pause)
        outputfile.write(page[max(top, 0) :])


@contextmanager
def served(directory: Path, slow_pages: bool = False) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a secure context, so the Clipboard API exists); yields its URL.
    With `slow_pages`, each HTML page arrives in two parts (_SlowPageHandler)."""
    handler = functools.partial(_SlowPageHandler if slow_pages else _QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
