"""A real HTTP receiver on 127.0.0.1 that records requests and answers as a test tells it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """Answers every request with `status`, a `Location` when `redirect_to` is set, and `body`."""

    def __init__(self, status: int = 200, redirect_to: str = "", body: bytes = b"ok") -> None:
        self.status = status
        self.redirect_to = redirect_to
        self.body = body
        self.paths: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                owner.paths.append(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(owner.status)
                if owner.redirect_to:
                    self.send_header("Location", owner.redirect_to)
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                try:
                    self.wfile.write(owner.body)
                except ConnectionError:
                    pass  # the client read what it wanted and hung up

            do_GET = do_POST = do_PUT = _answer  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, host: str = "127.0.0.1", path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
