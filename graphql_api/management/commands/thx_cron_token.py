from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from thx_cron_graphql.models import ApiToken


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (the secret is printed once, on creation)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print it.")
        create.add_argument("--user", required=True, help="Username of the token's owner.")
        create.add_argument("--name", default="", help="A label to tell tokens apart.")
        listing = actions.add_parser("list", help="List a user's tokens (never their secrets).")
        listing.add_argument("--user", required=True)
        revoke = actions.add_parser("revoke", help="Revoke a token by id.")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            token, secret = ApiToken.issue(self._user(options["user"]), options["name"])
            self.stderr.write(f"Token {token.pk} created; it is shown only now.")
            self.stdout.write(secret)
        elif action == "list":
            for token in ApiToken.objects.owned_by(self._user(options["user"])):
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(
                    f"{token.pk}\t{token.prefix}…\t{token.name or '-'}\t{state}\tused {used}"
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
