"""Login throttling through django-axes: the limits come from THX_CRON_* settings.

Failed logins are counted in the database (axes' AccessAttempt), so every web process sees the
same counts. After THX_CRON_LOGIN_FAILURE_LIMIT failures for one account, or from one client
address, further logins of that account or from that address are refused for
THX_CRON_LOGIN_COOLOFF_SECONDS, whatever the password; a success resets the account's count.
The GraphQL `login` mutation and the admin login both authenticate through Django, so both are
throttled. Point django-axes at these functions (the standalone settings do; see
docs/security.md for a host project):

    AXES_FAILURE_LIMIT = "thx_cron.security.login_throttle.failure_limit"
    AXES_COOLOFF_TIME = "thx_cron.security.login_throttle.cool_off"
    AXES_LOCKOUT_CALLABLE = "thx_cron.security.login_throttle.lockout_response"
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from thx_cron.conf import thx_settings

# The settings a project adds to use django-axes with thx-cron's limits (one place for both the
# standalone settings and the documentation).
AXES_SETTINGS: dict[str, Any] = {
    "AXES_FAILURE_LIMIT": "thx_cron.security.login_throttle.failure_limit",
    "AXES_COOLOFF_TIME": "thx_cron.security.login_throttle.cool_off",
    "AXES_LOCKOUT_CALLABLE": "thx_cron.security.login_throttle.lockout_response",
    # Per account and, separately, per client address.
    "AXES_LOCKOUT_PARAMETERS": ["username", "ip_address"],
    "AXES_RESET_ON_SUCCESS": True,
}
AUTHENTICATION_BACKEND = "axes.backends.AxesStandaloneBackend"
MIDDLEWARE = "axes.middleware.AxesMiddleware"


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    """Return how many failed logins lock an account or an address out."""
    return thx_settings.LOGIN_FAILURE_LIMIT


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """Return how long a lockout lasts after the last failure."""
    return timedelta(seconds=thx_settings.LOGIN_COOLOFF_SECONDS)


def message() -> str:
    """The refusal: says what to do, not which account or address is locked."""
    minutes = max(1, math.ceil(thx_settings.LOGIN_COOLOFF_SECONDS / 60))
    return f"Too many failed logins. Try again in {minutes} minute{'s' * (minutes != 1)}."


def lockout_response(request: HttpRequest, *args: Any) -> HttpResponse:
    """Answer a locked-out login: 429, as a GraphQL error for JSON clients, else as text.

    (django-axes passes the original response and the credentials, or only the credentials on
    its async path; neither is needed.)
    """
    retry_after = str(thx_settings.LOGIN_COOLOFF_SECONDS)
    wants_json = request.content_type == "application/json" or "json" in request.headers.get(
        "Accept", ""
    )
    response: HttpResponse
    if wants_json:
        error = {"message": message(), "extensions": {"code": "LOGIN_THROTTLED"}}
        response = JsonResponse({"data": None, "errors": [error]}, status=429)
    else:
        response = HttpResponse(message(), status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = retry_after
    return response


def locked_out(request: HttpRequest) -> bool:
    """Tell whether django-axes refused this request's login attempt."""
    return bool(getattr(request, "axes_locked_out", False))
