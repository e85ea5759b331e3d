from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from thx_cron_graphql.models import ApiToken, expiry_problem

_DURATION = re.compile(r"^(\d{1,6})([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_expiry(text: str) -> datetime:
    """Read `--expires`: a duration from now (90m, 12h, 30d, 2w) or an ISO 8601 instant (UTC
    when it names no zone); raise CommandError naming the option."""
    text = text.strip()
    duration = _DURATION.match(text)
    if duration:
        moment = timezone.now() + timedelta(**{_UNITS[duration[2]]: int(duration[1])})
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(
                f"--expires: {text!r} is neither a duration (90m, 12h, 30d, 2w) nor an ISO "
                "8601 date or time (2027-01-01T00:00:00Z)."
            ) from None
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)
    problem = expiry_problem(moment)
    if problem:
        raise CommandError(f"--expires: {problem}")
    return moment


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (the secret is printed once, on creation)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print it.")
        create.add_argument("--user", required=True, help="Username of the token's owner.")
        create.add_argument("--name", default="", help="A label to tell tokens apart.")
        create.add_argument(
            "--expires",
            help="When the token stops working: a duration (90m, 12h, 30d, 2w) or an ISO 8601 "
            "instant (UTC unless it names a zone). Default: never.",
        )
        listing = actions.add_parser(
            "list", help="List every user's tokens, or one user's (never their secrets)."
        )
        listing.add_argument("--user", help="Only this user's tokens.")
        revoke = actions.add_parser("revoke", help="Revoke a token by id.")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            expires = parse_expiry(options["expires"]) if options.get("expires") else None
            token, secret = ApiToken.issue(self._user(options["user"]), options["name"], expires)
            until = f", valid until {expires.isoformat()}" if expires else ""
            self.stderr.write(f"Token {token.pk} created{until}; it is shown only now.")
            self.stdout.write(secret)
        elif action == "list":
            if options["user"]:
                tokens = ApiToken.objects.owned_by(self._user(options["user"]))
            else:
                tokens = ApiToken.objects.all()
            for token in tokens.select_related("user").order_by("user__username", "id"):
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
                if not token.revoked_at and token.expires_at:
                    ended = token.expires_at <= timezone.now()
                    state = f"{'expired' if ended else 'expires'} {token.expires_at:%Y-%m-%d %H:%M}"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(
                    f"{token.pk}\t{token.user.get_username()}\t{token.prefix}…\t"
                    f"{token.name or '-'}\t{state}\tused {used}"
                )
        else:
            found = ApiToken.objects.filter(pk=options["id"]).first()
            if found is None:
                raise CommandError(f"id: no API token with id {options['id']}.")
            found.revoke()
            self.stdout.write(f"Token {found.pk} revoked.")

    def _user(self, username: str) -> Any:
        model = get_user_model()
        user = model.objects.filter(**{model.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"--user: no user named {username!r}.")
        return user
