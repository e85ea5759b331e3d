"""The one place notifications hand work to django-q2."""

from __future__ import annotations

import logging

from thx_cron.brokers import broker

logger = logging.getLogger(__name__)

PROCESS_TASK = "thx_cron_notifications.processing.process_new_events_task"
SEND_TASK = "thx_cron_notifications.delivery.send"
SWEEP_TASK = "thx_cron_notifications.sweep.sweep"
# django-q2 stops a send this long after the notifier's own timeout, as a backstop.
SEND_TIMEOUT_MARGIN = 30


def enqueue_processing() -> None:
    """Ask a worker to match new job events; on a broker error the sweep does it later."""
    from django_q.tasks import async_task

    from thx_cron.conf import thx_settings

    cluster = thx_settings.CLUSTER
    try:
        async_task(
            PROCESS_TASK,
            task_name="thx_cron notifications: match events",
            ack_failure=True,
            broker=broker(cluster),
            **({"cluster": cluster} if cluster else {}),
        )
    except Exception:
        logger.warning("Could not enqueue event matching; the sweep will catch up", exc_info=True)


def enqueue_send(delivery_id: int, timeout: float) -> None:
    """Hand one delivery to a worker; on a broker error the sweep sends it later."""
    from django_q.tasks import async_task

    # A queue of their own keeps sends from waiting behind the runs of a burst.
    from thx_cron.conf import thx_settings

    queue = thx_settings.NOTIFICATION_QUEUE or thx_settings.CLUSTER
    cluster = {"cluster": queue} if queue else {}
    try:
        async_task(
            SEND_TASK,
            delivery_id,
            task_name=f"thx_cron notification {delivery_id}",
            timeout=int(timeout) + SEND_TIMEOUT_MARGIN,
            ack_failure=True,
            broker=broker(queue),
            **cluster,
        )
    except Exception:
        logger.warning(
            "Could not enqueue delivery %s; the sweep will send it", delivery_id, exc_info=True
        )
