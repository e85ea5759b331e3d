"""The Celery app of the Celery peer: beat with django-celery-beat, results in django-db."""

from __future__ import annotations

import os

import django
from celery import Celery
from peers_site.record import record

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peers_site.django_settings")
django.setup()

app = Celery("peers")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="peers.noop")
def noop(key: str, job: int) -> None:
    record(key, job)
