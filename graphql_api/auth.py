"""Authenticate requests: `Authorization: Bearer <token>` on HTTP and in `connection_init`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from thx_cron_graphql.models import ApiToken


class InvalidToken(Exception):
    """The Authorization value names no active token."""


def bearer_token(header: str | None) -> str | None:
    """Return the token of an `Authorization: Bearer …` value, or None when there is none."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def user_for_authorization(header: str | None) -> Any | None:
    """Return the user of a bearer Authorization value; None without one; InvalidToken if bad."""
    found = token_for_authorization(header)
    return None if found is None else found.user


def token_for_authorization(header: str | None) -> ApiToken | None:
    """Return the active token (with its user) of a bearer Authorization value, or None without
    one; raise InvalidToken if it names no active token."""
    if header is None or not header.strip():
        return None
    token = bearer_token(header)
    if token is None:
        raise InvalidToken("The Authorization header must be 'Bearer <token>'.")
    found = ApiToken.objects.matching(token).select_related("user").first()
    if found is None:
        raise InvalidToken("The API token is invalid, expired or revoked.")
    # Written at most once a minute per token, so that busy scripts do not write on each request.
    now = timezone.now()
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found
