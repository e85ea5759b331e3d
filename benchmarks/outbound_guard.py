"""Benchmark: what the outbound guard and the masking cost.

1. The `socket.connect` audit hook is process-wide once installed; it must cost next to nothing
   for the audit events everything else raises. Times `open()` of a file and a Django template
   render (medians of repeated batches) before and after the hook is installed, in one process,
   and prints the ratio.
2. A guarded loopback HTTP request (thx_cron.security.outbound.request, with vetting and pinning)
   against a plain urllib3 request to the same receiver.
3. Masking: notifier.mask per URL, and mask_text on a delivery error (what a page of
   deliveries pays per row), both with the URL's Apprise parse cached after the first call.

    .venv/bin/python benchmarks/outbound_guard.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

import urllib3  # noqa: E402

from thx_cron.security import outbound  # noqa: E402
from thx_cron_notifications import notifier, rendering  # noqa: E402

URL = (
    "json://bob:hunter2@127.0.0.1:9/hook/pathsecret1?-token=getsecret1"
    "&+Authorization=Bearer%20headersecret1&:key=payloadsecret1"
)


def per_call(function: Callable[[], Any], calls: int, repeat: int) -> float:
    """Return the median time per call in microseconds over `repeat` batches of `calls`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        times.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat

    path = Path(tempfile.mkdtemp()) / "f"
    path.write_text("x")
    template = rendering._engine().from_string(rendering.DEFAULT_BODY)
    context = rendering.SAMPLE_CONTEXT

    def opening() -> None:
        with open(path):
            pass

    def rendering_body() -> None:
        template.render(rendering.BoundedContext(context))

    before = {
        "open()": per_call(opening, 2000, repeat),
        "template": per_call(rendering_body, 300, repeat),
    }
    with outbound.guarded():
        pass  # installs the audit hook for the rest of the process
    after = {
        "open()": per_call(opening, 2000, repeat),
        "template": per_call(rendering_body, 300, repeat),
    }
    print("audit hook, outside a guarded block (median per call):")
    for name in before:
        ratio = after[name] / before[name]
        print(f"  {name:10} {before[name]:8.2f} us -> {after[name]:8.2f} us  ({ratio:.2f}x)")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    def plain() -> None:
        urllib3.request("GET", url, retries=False)

    def guarded() -> None:
        outbound.request("GET", url)

    plain_us = per_call(plain, 50, repeat)
    guarded_us = per_call(guarded, 50, repeat)
    print("loopback GET (median per request, loopback allowed by the test settings):")
    print(f"  plain urllib3 {plain_us / 1000:.2f} ms, outbound.request {guarded_us / 1000:.2f} ms")
    print(f"  ({guarded_us / plain_us:.2f}x)")
    server.shutdown()

    error = f"{notifier.mask(URL)}: A Connection error occurred sending JSON notification."
    mask_us = per_call(lambda: notifier.mask(URL), 200, repeat)
    text_us = per_call(lambda: notifier.mask_text(error, [URL]), 200, repeat)
    print("masking (median per call):")
    print(f"  mask(url) {mask_us:.0f} us, mask_text(error, [url]) {text_us:.0f} us")


if __name__ == "__main__":
    main()
