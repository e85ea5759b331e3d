"""Matching committed events against rules in the database: the conditions users set."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from tests.notifications.flow import finish
from thx_cron.models import JobLog
from thx_cron_notifications import global_rules, processing
from thx_cron_notifications.models import NotificationDelivery, NotificationRule

Status = JobLog.Status


def events_of(rule: NotificationRule) -> list[str]:
    return list(rule.deliveries.order_by("id").values_list("event", flat=True))


def test_a_recovery_is_notified_once_on_the_first_success_after_failures(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    rule = make_rule(user, events=["failed", "recovered"])
    job = make_job(owner=user)
    finish(job)
    finish(job)
    finish(job, Status.SUCCEEDED)
    finish(job, Status.SUCCEEDED)
    processing.process_new_events()
    assert events_of(rule) == ["failed", "failed", "recovered"]


def test_failures_are_notified_from_the_third_in_a_row(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    rule = make_rule(user, events=["failed", "timed_out"], min_consecutive_failures=3)
    job = make_job(owner=user)
    finish(job)
    finish(job, Status.TIMED_OUT)
    processing.process_new_events()
    assert events_of(rule) == []
    finish(job)
    finish(job, Status.SUCCEEDED)
    finish(job)
    processing.process_new_events()
    assert events_of(rule) == ["failed"]


def test_throttling_reads_earlier_deliveries_from_the_database(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    rule = make_rule(user, events=["failed"], throttle_seconds=3600)
    job, other = make_job(owner=user), make_job(owner=user)
    finish(job)
    processing.process_new_events()  # one matcher call…
    finish(job)
    finish(other)
    processing.process_new_events()  # …and a later one, as another process would make it
    assert list(rule.deliveries.values_list("job_id", flat=True).order_by("id")) == [
        job.pk,
        other.pk,
    ]


def test_users_only_hear_about_their_own_jobs(
    make_rule: Any, make_job: Any, user: Any, other_user: Any
) -> None:
    mine = make_rule(user, events=["failed"])
    theirs = make_rule(other_user, events=["failed"])
    finish(make_job(owner=user))
    processing.process_new_events()
    assert events_of(mine) == ["failed"] and events_of(theirs) == []
    assert NotificationDelivery.objects.visible_to(other_user).count() == 0
    assert list(NotificationRule.objects.visible_to(other_user)) == [theirs]


def test_rules_scoped_to_chosen_jobs_or_tags(make_rule: Any, make_job: Any, user: Any) -> None:
    chosen, tagged, other = (
        make_job(owner=user),
        make_job(owner=user, tags=["etl"]),
        make_job(owner=user),
    )
    by_job = make_rule(user, scope="jobs", jobs=[chosen])
    by_tag = make_rule(user, scope="tags", tags=["etl"])
    for job in (chosen, tagged, other):
        finish(job)
    processing.process_new_events()
    assert list(by_job.deliveries.values_list("job_id", flat=True)) == [chosen.pk]
    assert list(by_tag.deliveries.values_list("job_id", flat=True)) == [tagged.pk]


def test_matching_the_same_events_again_makes_no_second_delivery(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    rule = make_rule(user, events=["started", "failed"])
    finish(make_job(owner=user))
    first = processing.process_new_events()
    again = processing.process_new_events(lookback=True)
    assert len(first) == 2 and again == [] and rule.deliveries.count() == 2


@override_settings(
    THX_CRON_NOTIFICATION_RULES=[
        {"name": "admins on failure", "urls": ["json://127.0.0.1:9/ops"], "events": ["failed"]}
    ]
)
def test_operator_rules_from_settings_cover_every_users_jobs(
    make_job: Any, user: Any, other_user: Any
) -> None:
    [rule] = global_rules.sync()
    assert rule.owner is None and rule.settings_key == "admins on failure"
    finish(make_job(owner=user))
    finish(make_job(owner=other_user))
    processing.process_new_events()
    assert rule.deliveries.count() == 2
    with override_settings(THX_CRON_NOTIFICATION_RULES=[]):
        global_rules.sync()
    rule.refresh_from_db()
    assert rule.enabled is False and rule.deliveries.count() == 2


@override_settings(
    THX_CRON_NOTIFICATION_RULES=[{"name": "bad", "urls": ["nope://x"], "events": ["boom"]}]
)
def test_a_broken_operator_rule_is_reported_by_a_check_and_not_synced(db: Any) -> None:
    from thx_cron_notifications.checks import check_notification_settings

    messages = [error.msg for error in check_notification_settings()]
    assert any(".urls:" in m and "nope" in m for m in messages)
    assert any(".events:" in m and "boom" in m for m in messages)
    assert global_rules.sync() == [] and NotificationRule.objects.count() == 0
