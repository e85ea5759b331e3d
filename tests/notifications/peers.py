"""Real peers on loopback for notification tests: an SMTP server and a webhook receiver."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.processes import free_port


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    content: str


class SmtpServer:
    """An aiosmtpd server in a thread that accepts any login and keeps the mails it gets."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.mails: list[Mail] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        content = envelope.content.decode("utf-8", "replace")
        self.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), content))
        return "250 OK"

    def start(self) -> SmtpServer:
        self._controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            auth_require_tls=False,
            authenticator=lambda *args: AuthResult(success=True),
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def url(self, to: str = "ops@example.com") -> str:
        return (
            f"mailto://bot:smtp-secret@127.0.0.1:{self.port}"
            f"?to={to}&from=bot@example.com&mode=insecure"
        )


@dataclass
class Received:
    path: str
    payload: Any
    at: float  # time.time() of receipt


@dataclass
class WebhookReceiver:
    """A stdlib HTTP server that records JSON POSTs; with `hang` set it never answers."""

    hang: bool = False
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)

    def start(self) -> WebhookReceiver:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                owner.received.append(Received(self.path, json.loads(raw or b"null"), time.time()))
                owner.arrived.set()
                if owner.hang:
                    owner.release.wait(60)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str = "/hook") -> str:
        return f"json://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
