"""What the `thx-cron` commands accept: ports, jobs and runs named on the command line."""

from __future__ import annotations

import argparse
import socket

from django.core.management.base import CommandError

from thx_cron.models import Job, JobLog


def port(value: str) -> int:
    """Parse a TCP port (1-65535), or fail with a message argparse prints."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a number from 1 to 65535 (got {value!r})"
        ) from None
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 1 to 65535 (got {number})")
    return number


def positive_int(value: str) -> int:
    """Parse a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {value!r})") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {number})")
    return number


def check_port_free(host: str, number: int) -> None:
    """Fail with CommandError when nothing could listen on `host`:`number` now."""
    try:
        infos = socket.getaddrinfo(host, number, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise CommandError(f"--host: cannot resolve {host!r} ({exc.strerror}).") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise CommandError(
                f"--port: cannot listen on {host}:{number} ({exc.strerror}); "
                "is another server using it? Choose another with --port."
            ) from None


def find_job(ref: str) -> Job:
    """Return the job with this id or (unique) name, or raise CommandError saying why not."""
    matches = list(Job.objects.filter(name=ref)[:2])
    if not matches and ref.isdigit():
        matches = list(Job.objects.filter(pk=int(ref)))
    if not matches:
        raise CommandError(f"job: no job with id or name '{ref}'.")
    if len(matches) > 1:
        raise CommandError(f"job: several jobs are named '{ref}'; give the id instead.")
    return matches[0]


def find_run(ref: str) -> JobLog:
    """Return the run with this id, or raise CommandError saying why not."""
    if not ref.isdigit():
        raise CommandError(f"run: a run is named by its id, a number (got '{ref}').")
    run = JobLog.objects.select_related("job").filter(pk=int(ref)).first()
    if run is None:
        raise CommandError(f"run: no run with id {ref}.")
    return run
