"""The `thx-cron` command: the standalone server's subcommands, then Django's commands."""

from __future__ import annotations

import os
import sys

# Subcommands with their own name, mapped to the management command that implements them.
COMMANDS = {
    "serve": "thx_cron_serve",
    "web": "thx_cron_web",
    "worker": "thx_cron_worker",
    "run": "thx_cron_run",
    "jobs": "thx_cron_jobs",
    "prune": "thx_cron_prune",
    "dispatch": "thx_cron_dispatch",
    "token": "thx_cron_token",
    "export-schema": "thx_cron_export_schema",
    "uninstall": "thx_cron_uninstall",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thx_cron.standalone.settings")
    from django.core.management import execute_from_command_line

    if not args or args[0] in ("-h", "--help", "help"):
        print("usage: thx-cron COMMAND [options]\n")
        print("thx-cron commands: " + ", ".join(COMMANDS))
        print("Any other COMMAND is a Django management command (migrate, createsuperuser, ")
        print("shell, dbshell, check, ...), run with the same settings.")
        if args[1:]:
            execute_from_command_line(["thx-cron", "help", *args[1:]])
        return
    name = COMMANDS.get(args[0], args[0])
    execute_from_command_line(["thx-cron", name, *args[1:]])


if __name__ == "__main__":
    main()
