"""ApiToken: a bearer token for scripts and apps, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

TOKEN_PREFIX = "thx_"
# An expiry beyond this is a mistake (the calendar's limit elsewhere in thx-cron).
LATEST_EXPIRY = datetime(2199, 12, 31, 23, 59, 59, tzinfo=UTC)


def expiry_problem(expires_at: datetime, now: datetime | None = None) -> str:
    """Say what is wrong with a token expiry ("" when nothing is)."""
    if timezone.is_naive(expires_at):
        return "Give a time zone (for example 2027-01-01T00:00:00Z)."
    if expires_at <= (now or timezone.now()):
        return "The expiry must be in the future."
    if expires_at > LATEST_EXPIRY:
        return "The expiry must be before the year 2200."
    return ""


def hash_token(token: str) -> str:
    """Return the stored form of `token` (its SHA-256; tokens are random, so no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self, now: datetime | None = None) -> ApiTokenQuerySet:
        """Tokens that authenticate: not revoked, not expired, of an active user."""
        now = now or timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            revoked_at__isnull=True,
            user__is_active=True,
        )

    def owned_by(self, user: Any) -> ApiTokenQuerySet:
        return self.filter(user=user)

    def matching(self, token: str) -> ApiTokenQuerySet:
        return self.active().filter(key_hash=hash_token(token))


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thx_cron_tokens"
    )
    name = models.CharField(max_length=100, blank=True, default="")
    # The first characters of the token, shown in listings so that people can tell them apart.
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Optional: from this instant on the token is refused, and live connections using it end.
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or 'unnamed'})"

    @classmethod
    def issue(
        cls, user: Any, name: str = "", expires_at: datetime | None = None
    ) -> tuple[ApiToken, str]:
        """Create a token for `user`; return it with the secret, which is never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=secret[:12],
            key_hash=hash_token(secret),
            expires_at=expires_at,
        )
        return token, secret

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
