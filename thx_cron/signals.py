"""Signals that other apps (notifications, subscriptions) receive; thx_cron knows none of them."""

from django.dispatch import Signal

# Sent once per committed JobEvent, after the transaction that wrote it commits: event=JobEvent.
job_event = Signal()
# Sent once per batch of job events written together (one statement: a run's start, or the
# outcomes of a group of runs), after the transaction commits and after job_event has been sent
# for each: events=[JobEvent, ...], in the order written. For a receiver that does its work once
# per batch rather than once per event.
job_events = Signal()
