"""Signals that other apps (notifications, subscriptions) receive; thx_cron knows none of them."""

from django.dispatch import Signal

# Sent once per committed JobEvent, after the transaction that wrote it commits: event=JobEvent.
job_event = Signal()
