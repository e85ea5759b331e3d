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
    "runs": "thx_cron_runs",
    "jobs": "thx_cron_jobs",
    "pause": "thx_cron_pause",
    "resume": "thx_cron_resume",
    "trigger": "thx_cron_trigger",
    "cancel": "thx_cron_cancel",
    "prune": "thx_cron_prune",
    "dispatch": "thx_cron_dispatch",
    "token": "thx_cron_token",
    "export-schema": "thx_cron_export_schema",
    "uninstall": "thx_cron_uninstall",
}

USAGE = """\
usage: thx-cron COMMAND [options]

Commands:
  serve           migrate, then run the web server and a worker until stopped
  web             serve the GraphQL API, GraphiQL, the admin and /metrics
  worker          run a worker (executes runs) and the dispatcher
  run JOB         run a job now in the foreground and print its output
  runs            list recent runs (--job, --status, --follow for a live tail)
  jobs            list jobs with their schedule, next run and last status
  pause JOB       stop dispatching a job
  resume JOB      dispatch a paused job again
  trigger JOB     queue a run of a job now (a worker executes it)
  cancel RUN      cancel a queued run or stop a running one
  token           create, list or revoke API tokens
  prune           delete old runs and events
  dispatch        run the dispatcher alone
  export-schema   print the GraphQL schema (SDL)

Any other COMMAND is a Django management command (migrate, createsuperuser, shell, check, ...),
run with the same settings. `thx-cron COMMAND --help` describes one command.
"""


def version() -> str:
    """Return the installed thx-cron's version."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("thx-cron")
    except PackageNotFoundError:  # running from a source tree
        from thx_cron import __version__

        return __version__


def _load_settings() -> None:
    """Import the settings; exit with the message, not a traceback, if they are malformed."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018  (reading one setting imports the module)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"thx-cron: {exc}\n")
        raise SystemExit(1) from None


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thx_cron.standalone.settings")
    if not args:
        sys.stderr.write(USAGE)
        raise SystemExit(2)
    if args[0] in ("-h", "--help", "help") and not args[1:]:
        sys.stdout.write(USAGE)
        return
    if args[0] in ("--version", "version"):
        print(f"thx-cron {version()}")
        return
    if args[0] in ("help", "-h", "--help"):
        args = [args[1], "--help"]
    _load_settings()
    name = args[0]
    internal = COMMANDS.get(name)
    if internal is None or name.startswith("-"):
        from django.core.management import execute_from_command_line

        execute_from_command_line(["thx-cron", *args])
        return
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    command = load_command_class(get_commands()[internal], internal)
    command.get_version = lambda: f"thx-cron {version()}"  # type: ignore[method-assign]
    # Parsed under its public name, so that usage lines read `thx-cron token list`.
    command.run_from_argv(["thx-cron", name, *args[1:]])


if __name__ == "__main__":
    main()
