"""Mutations about the caller: session login and logout, API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
import strawberry_django
from django.contrib import auth
from django.http import HttpRequest

from thx_cron.security import login_throttle
from thx_cron_graphql.errors import InputError, NotAllowed, NotFound
from thx_cron_graphql.ids import decode_id
from thx_cron_graphql.models import ApiToken, expiry_problem
from thx_cron_graphql.permissions import Info, current_user, require_user
from thx_cron_graphql.types import ApiTokenType, NewApiToken, UserType


def _http_request(info: Info) -> HttpRequest:
    request = getattr(info.context, "request", None)
    if not isinstance(request, HttpRequest):
        raise NotAllowed(None, "Log in over HTTP (POST /graphql); WebSocket sessions cannot.")
    return request


@strawberry.type
class AccountMutations:
    @strawberry_django.mutation(handle_django_errors=True)
    def login(self, info: Info, username: str, password: str) -> UserType:
        """Start a session cookie for the user with these credentials."""
        request = _http_request(info)
        user = auth.authenticate(request, username=username, password=password)
        if user is None and login_throttle.locked_out(request):
            raise InputError("password", login_throttle.message())
        if user is None:
            raise InputError("password", "Wrong username or password, or inactive account.")
        auth.login(request, user)
        return cast(UserType, user)

    @strawberry_django.mutation(handle_django_errors=False)
    def logout(self, info: Info) -> bool:
        """End the session; return whether there was one."""
        request = getattr(info.context, "request", None)
        if not isinstance(request, HttpRequest) or not request.user.is_authenticated:
            return False
        auth.logout(request)
        return True

    @strawberry_django.mutation(handle_django_errors=True)
    def create_api_token(
        self, info: Info, name: str = "", expires_at: datetime | None = None
    ) -> NewApiToken:
        """Create an API token for the caller; the secret is in the answer and nowhere else.

        With `expiresAt`, the token is refused from then on and its live connections end.
        """
        user = require_user(info)
        if len(name) > 100:
            raise InputError("name", "At most 100 characters.")
        if expires_at is not None:
            problem = expiry_problem(expires_at)
            if problem:
                raise InputError("expiresAt", problem)
        token, secret = ApiToken.issue(user, name, expires_at)
        return NewApiToken(token=secret, api_token=token)  # type: ignore[arg-type]

    @strawberry_django.mutation(handle_django_errors=True)
    def revoke_api_token(self, info: Info, id: strawberry.ID) -> ApiTokenType:
        """Revoke one of the caller's API tokens (staff may revoke anyone's)."""
        user = require_user(info)
        tokens = ApiToken.objects.all() if user.is_staff else ApiToken.objects.owned_by(user)
        pk = decode_id(id, "ApiToken")
        token = tokens.filter(pk=pk).first() if pk is not None else None
        if token is None:
            raise NotFound("id", f"No API token with id {id!r}.")
        token.revoke()
        return token  # type: ignore[return-value]


@strawberry.type
class AccountQueries:
    @strawberry_django.field
    def me(self, info: Info) -> UserType | None:
        """The logged-in user, or null."""
        user = current_user(info)
        return user if user.is_authenticated else None

    @strawberry_django.field
    def api_tokens(self, info: Info) -> list[ApiTokenType]:
        """The caller's API tokens (never their secrets)."""
        user = current_user(info)
        if not user.is_authenticated:
            return []
        return list(ApiToken.objects.owned_by(user))  # type: ignore[arg-type]
