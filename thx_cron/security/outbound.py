"""The one guarded access point for outbound requests: no internal address unless allowed.

Every name is resolved here and every resolved address is vetted by the operator's policy
(THX_CRON_OUTBOUND_ALLOWED_HOSTS / _NETWORKS). `request` then connects to the vetted address
itself, so DNS cannot answer differently between the check and the connection, and it vets every
redirect hop the same way. `guarded()` applies the policy to every socket a library (Apprise)
opens in the block, through Python's `socket.connect` audit event, for code whose connections
we do not make ourselves.
"""

from __future__ import annotations

import contextvars
import logging
import socket
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3

from thx_cron.conf import thx_settings
from thx_cron.security.addresses import AddressPolicy, IPAddress, parse_address

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
MAX_RESPONSE_BYTES = 1_048_576
SETTING_HINT = "THX_CRON_OUTBOUND_ALLOWED_HOSTS or THX_CRON_OUTBOUND_ALLOWED_NETWORKS allows it"


class OutboundRefused(OSError):
    """A request would reach an address the policy refuses (an OSError, so that libraries
    treat it as the connection error it is)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class OutboundError(RuntimeError):
    """An outbound request failed (too many redirects, a bad redirect, a network error)."""


def policy() -> AddressPolicy:
    """Return the operator's address policy from the settings."""
    return AddressPolicy.of(
        thx_settings.OUTBOUND_ALLOWED_HOSTS, thx_settings.OUTBOUND_ALLOWED_NETWORKS
    )


def resolve(host: str, port: int | None = None) -> list[IPAddress]:
    """Return the addresses `host` resolves to (odd IPv4 forms like 2130706433 included)."""
    literal = parse_address(host)
    if literal is not None:
        return [literal]
    infos = socket.getaddrinfo(host.rstrip("."), port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = parse_address(str(sockaddr[0]))
        if address is not None and address not in found:
            found.append(address)
    return found


def vet(host: str, port: int | None = None, rules: AddressPolicy | None = None) -> list[IPAddress]:
    """Resolve `host` and return its addresses; raise OutboundRefused if any is refused."""
    rules = rules or policy()
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise OutboundError(f"cannot resolve host {host!r}: {exc}") from exc
    reason = rules.check(host, addresses)
    if reason:
        logger.warning("Outbound request refused: %s (%s)", reason, addresses)
        raise OutboundRefused(f"{reason}, which is refused ({SETTING_HINT})")
    return addresses


def refusal(host: str, rules: AddressPolicy | None = None) -> str | None:
    """Return why `host` is refused now, or None (also when it does not resolve: callers that
    validate ahead of time must not fail on a DNS hiccup; the send checks again)."""
    try:
        vet(host, None, rules)
    except OutboundRefused as exc:
        return exc.message
    except OutboundError:
        return None
    return None


# --- the connection-level guard, for libraries that open their own sockets -----------------


@dataclass
class _Guard:
    rules: AddressPolicy
    allowed: frozenset[IPAddress] = frozenset()
    refused: list[str] = field(default_factory=list)


_GUARD: contextvars.ContextVar[_Guard | None] = contextvars.ContextVar("thx_outbound", default=None)
_HOOKED = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "socket.connect":
        return
    guard = _GUARD.get()
    if guard is None:
        return
    sock, address = args
    if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
        return
    ip = parse_address(str(address[0]))
    if ip is None or ip in guard.allowed:
        return
    reason = guard.rules.refusal(ip)
    if reason:
        message = f"connecting to a {reason} address is refused ({SETTING_HINT})"
        guard.refused.append(message)
        logger.warning("Outbound connection to %s refused: %s address", ip, reason)
        raise OutboundRefused(message)


@contextmanager
def guarded(
    allowed_hosts: Iterable[str] = (), addresses: Iterable[IPAddress] = ()
) -> Iterator[list[str]]:
    """Refuse every connection to an internal address made in the block (threads that copy the
    context included); yield the list of refusals. Names in `allowed_hosts` that the operator
    allowed by name, and `addresses` (already vetted), may be reached."""
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)  # audit hooks cannot be removed; it is idle outside a block
        _HOOKED = True
    rules = policy()
    allowed: set[IPAddress] = set(addresses)
    for host in allowed_hosts:
        if rules.allows_host(host):
            try:
                allowed.update(resolve(host))
            except (OSError, UnicodeError):
                pass
    guard = _Guard(rules, frozenset(allowed))
    token = _GUARD.set(guard)
    try:
        yield guard.refused
    finally:
        _GUARD.reset(token)


# --- HTTP requests, connected to the vetted address ----------------------------------------


@dataclass
class Response:
    url: str
    status: int
    body: bytes


def _pool(scheme: str, host: str, address: IPAddress, port: int, timeout: float) -> Any:
    timeouts = urllib3.Timeout(connect=timeout, read=timeout)
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            str(address),
            port,
            timeout=timeouts,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=host,
            assert_hostname=host,
        )
    return urllib3.HTTPConnectionPool(str(address), port, timeout=timeouts, retries=False)


def _read(response: Any, limit: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        if time.monotonic() > deadline:
            raise OutboundError("the response took longer than the timeout")
        chunk = response.read(min(65_536, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


@dataclass
class _Call:
    method: str
    target: str
    body: bytes | None
    headers: dict[str, str]


def _send(
    call: _Call,
    scheme: str,
    host: str,
    port: int,
    addresses: list[IPAddress],
    max_bytes: int,
    deadline: float,
) -> tuple[int, str | None, bytes]:
    """Send `call` to the first vetted address that accepts a connection; return the status,
    the redirect location (or None) and the body read."""
    for index, address in enumerate(addresses):
        remaining = max(deadline - time.monotonic(), 0.001)
        pool = _pool(scheme, host, address, port, remaining)
        with guarded(addresses=[address]), pool:
            try:
                response = pool.urlopen(
                    call.method,
                    call.target,
                    body=call.body,
                    headers=call.headers,
                    redirect=False,
                    preload_content=False,
                    timeout=urllib3.Timeout(connect=remaining, read=remaining),
                )
            except urllib3.exceptions.NewConnectionError as exc:
                if index + 1 < len(addresses):
                    continue  # the next address of the name may answer (IPv6 then IPv4)
                raise OutboundError(f"{call.method} {host}: cannot connect") from exc
            except urllib3.exceptions.HTTPError as exc:
                raise OutboundError(f"{call.method} {host}: {exc.__class__.__name__}") from exc
            try:
                location = response.get_redirect_location() or None
                data = b"" if location else _read(response, max_bytes, deadline)
                return response.status, location, data
            finally:
                response.release_conn()
    raise OutboundError(f"host {host!r} has no address")


def request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30.0,
    max_bytes: int = MAX_RESPONSE_BYTES,
    allowed_hosts: Iterable[str] = (),
) -> Response:
    """Make an HTTP request to `url`, following at most MAX_REDIRECTS vetted redirects, reading
    at most `max_bytes` of the answer, within `timeout` seconds in all. `allowed_hosts`, when
    given, is the list of hosts every hop must be in (THX_CRON_HTTP_ALLOWED_HOSTS)."""
    only = [host.lower() for host in allowed_hosts]
    rules = policy()
    deadline = time.monotonic() + timeout
    headers = dict(headers or {})
    method = method.upper()
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or not host:
            raise OutboundError(f"cannot follow {parts.scheme or 'a relative'} URL {url!r}")
        if only and host.lower() not in only:
            raise OutboundRefused(f"host {host!r} is not in THX_CRON_HTTP_ALLOWED_HOSTS")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        call = _Call(method, target, body, {**headers, "Host": parts.netloc.rsplit("@", 1)[-1]})
        status, location, data = _send(
            call, parts.scheme, host, port, vet(host, port, rules), max_bytes, deadline
        )
        if location is None:
            return Response(url, status, data)
        following = urljoin(url, location)
        if urlsplit(following).hostname != host:
            headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        if status in (301, 302, 303) and method not in ("GET", "HEAD"):
            method, body = "GET", None
        url = following
    raise OutboundError(f"more than {MAX_REDIRECTS} redirects")
