"""Send deliveries through the notifier, with retries and exponential backoff.

Each delivery is its own django-q2 task, so one slow service never holds up the others, and
sending never happens inside a run. A sender claims a delivery for a lease first, so a delivery
enqueued twice (by the matcher and by the sweep) is sent once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from thx_cron_notifications import notifier
from thx_cron_notifications.conf import notify_settings
from thx_cron_notifications.models import NotificationDelivery

logger = logging.getLogger(__name__)

Status = NotificationDelivery.Status


def backoff(attempts: int) -> timedelta:
    """Return the wait after `attempts` failed attempts: doubling from the base, capped."""
    seconds = notify_settings.BACKOFF * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, notify_settings.MAX_BACKOFF))


def send(delivery_id: int, now: datetime | None = None) -> str:
    """The django-q2 task: make one attempt at `delivery_id`; return its status afterwards."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "not due"
    rule = delivery.rule
    urls = list(rule.urls or [])
    done = set(delivery.sent_to or [])
    errors: list[notifier.NotifyError] = []
    for index, url in enumerate(urls):
        if index in done:
            continue  # sent on an earlier attempt; only the failed URLs are tried again
        try:
            notifier.send(
                url, delivery.title, delivery.body, delivery.event, notify_settings.TIMEOUT
            )
        except notifier.NotifyError as exc:
            errors.append(exc)
        except Exception as exc:  # an Apprise plugin bug must not leave the delivery claimed
            text = notifier.mask_text(repr(exc), [url])
            errors.append(notifier.NotifyError(f"{notifier.mask(url)}: {text}"))
        else:
            done.add(index)
    return _record(delivery, sorted(done), errors, now)


def _claim(delivery_id: int, now: datetime) -> NotificationDelivery | None:
    lease = now + timedelta(seconds=notify_settings.TIMEOUT * 2 + 30)
    claimed = (
        NotificationDelivery.objects.due(now)
        .filter(pk=delivery_id)
        .update(claimed_until=lease, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not claimed:
        return None
    return NotificationDelivery.objects.select_related("rule").get(pk=delivery_id)


def _record(
    delivery: NotificationDelivery,
    sent_to: list[int],
    errors: list[notifier.NotifyError],
    now: datetime,
) -> str:
    changes: dict[str, object] = {"sent_to": sent_to, "claimed_until": None}
    if not errors:
        changes.update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    else:
        message = "; ".join(error.message for error in errors)
        permanent = all(error.permanent for error in errors)
        if permanent or delivery.attempts >= notify_settings.MAX_ATTEMPTS:
            changes.update(
                status=Status.FAILED,
                last_error=f"Gave up after {delivery.attempts} attempt(s): {message}",
            )
        else:
            changes.update(
                status=Status.PENDING,
                last_error=message,
                next_attempt_at=now + backoff(delivery.attempts),
            )
        logger.warning(
            "Notification delivery %s (rule %s) attempt %s failed: %s",
            delivery.pk,
            delivery.rule_id,
            delivery.attempts,
            message,
        )
    NotificationDelivery.objects.filter(pk=delivery.pk).update(**changes)
    return str(changes.get("status", Status.PENDING))


def send_due(now: datetime | None = None) -> list[int]:
    """Enqueue every delivery whose next attempt has come (retries, and sends never enqueued)."""
    from thx_cron_notifications.queue import enqueue_send

    now = now or timezone.now()
    due = list(NotificationDelivery.objects.due(now).values_list("pk", flat=True)[:1000])
    for pk in due:
        enqueue_send(pk, notify_settings.TIMEOUT)
    return due
