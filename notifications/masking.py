"""Masking of secrets in notification URLs and in texts that may quote them (errors, logs).

Pure string logic: the notifier hands in Apprise's privacy URL (which already shortens the
tokens it knows) and the raw URL; everything not known to be public is replaced by `****`:
userinfo, every query value except Apprise's own options, headers (`+Name=`), GET (`-name=`) and
payload (`:name=`) values, fragments, and path segments other than channels and addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlsplit

HIDDEN = "****"
# Apprise's own options, the same for every service and never secret.
PUBLIC_PARAMS = frozenset(
    {
        "auth", "avatar", "batch", "blocks", "cto", "emojis", "fields", "footer",
        "footer_logo", "format", "image", "method", "mode", "optional", "overflow",
        "priority", "retry", "rto", "store", "timestamp", "tts", "tz", "verify", "wait",
    }
)  # fmt: skip
# Secrets shorter than this are not searched for in free text (they would garble it).
MIN_SECRET = 4
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s'\"<>]+")


def _public_segment(segment: str) -> bool:
    text = unquote(segment)
    return (
        not text
        or "..." in text
        or HIDDEN in text
        or text[0] in "#@"
        or re.fullmatch(r"[^@/\s]+@[^@/\s]+\.[^@/\s]+", text) is not None
    )


def _userinfo(userinfo: str) -> str:
    user, has_password, _ = userinfo.partition(":")
    if has_password:
        return f"{user}:{HIDDEN}"
    return userinfo if ("..." in user or HIDDEN in user) else HIDDEN


def _query(query: str) -> str:
    pairs = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        shown = value if key.lower() in PUBLIC_PARAMS and value else HIDDEN
        pairs.append(f"{quote(key, safe='')}={quote(shown, safe='*')}")
    return "&".join(pairs)


def mask_url(url: str) -> str:
    """Return `url` with everything not known to be public replaced by ****."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return HIDDEN
    if not parts.scheme or "://" not in url:
        return HIDDEN
    userinfo, at, hostport = parts.netloc.rpartition("@")
    netloc = f"{_userinfo(userinfo)}@{hostport}" if at else hostport
    path = "/".join(s if _public_segment(s) else HIDDEN for s in parts.path.split("/"))
    shown = f"{parts.scheme}://{netloc}{path}"
    if parts.query:
        shown += f"?{_query(parts.query)}"
    if parts.fragment:
        shown += f"#{HIDDEN}"
    return shown


def secrets_of(url: str, host_is_secret: bool = False) -> list[str]:
    """Return the secret parts of a raw `url`, longest first, to be hidden in free text."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found: list[str] = []
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at:
        user, has_password, password = userinfo.partition(":")
        found += [password] if has_password else [user]
    if host_is_secret and parts.hostname:
        found.append(parts.hostname)
    found += [s for s in parts.path.split("/") if not _public_segment(s)]
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() not in PUBLIC_PARAMS:
            found += [value, *(word for word in value.split() if len(word) >= 2 * MIN_SECRET)]
    found.append(parts.fragment)
    forms = {form for secret in found for form in (secret, unquote(secret), quote(secret))}
    return sorted((f for f in forms if len(f) >= MIN_SECRET), key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Return `text` with the given secrets and every URL in it masked."""
    text = _URL.sub(lambda match: mask_url(match.group(0)), text)
    for secret in secrets:
        text = text.replace(secret, HIDDEN)
    return text
