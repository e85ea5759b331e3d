"""The "running_long" event: a run still running past a rule's threshold, before its timeout.

No job event marks the moment, so the periodic sweep looks for such runs; each rule tells about
one run once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import router, transaction
from django.utils import timezone

from thx_cron.models import JobLog
from thx_cron_notifications import processing, rules
from thx_cron_notifications.models import NotificationDelivery, NotificationRule

EVENT = "running_long"


def notify_running_long(now: datetime | None = None) -> list[int]:
    """Create a delivery for each rule and each run running past the rule's threshold."""
    now = now or timezone.now()
    watching = [
        rule
        for rule in NotificationRule.objects.active().prefetch_related("jobs")
        if EVENT in (rule.events or []) and rule.running_longer_than_seconds
    ]
    if not watching:
        return []
    shortest = min(rule.running_longer_than_seconds or 0 for rule in watching)
    runs = JobLog.objects.running().filter(started_at__lte=now - timedelta(seconds=shortest))
    made: list[int] = []
    for run in runs.select_related("job"):
        job = run.job
        assert run.started_at is not None
        running_for = (now - run.started_at).total_seconds()
        facts = rules.EventFacts(
            id=0,
            kind=EVENT,
            job_id=job.pk,
            job_owner_id=job.owner_id,
            job_tags=frozenset(tag for tag in job.tags or [] if isinstance(tag, str)),
            occurred_at=now,
        )
        for rule in watching:
            rule_facts = rule.facts(frozenset(j.pk for j in rule.jobs.all()))
            if not rules.in_scope(facts, rule_facts) or not rules.running_long(
                rule_facts, running_for
            ):
                continue
            with transaction.atomic(using=router.db_for_write(NotificationDelivery)):
                told = NotificationDelivery.objects.filter(rule=rule, run=run, event=EVENT)
                if told.exists():
                    continue
                data: dict[str, object] = {"running_seconds": round(running_for, 1)}
                made.append(processing.make_delivery(rule, job, run, EVENT, data, now, None))
    return made
