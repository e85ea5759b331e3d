"""The pure matcher: events, scope, owners, the consecutive-failure condition, throttling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from thx_cron_notifications.rules import EventFacts, Match, RuleFacts, match

T0 = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


def event(kind: str = "failed", **fields: object) -> EventFacts:
    values: dict[str, object] = {
        "id": 1,
        "kind": kind,
        "job_id": 10,
        "job_owner_id": 1,
        "job_tags": frozenset({"etl"}),
        "occurred_at": T0,
        "consecutive_failures": 1 if kind == "failed" else 0,
    }
    values.update(fields)
    return EventFacts(**values)  # type: ignore[arg-type]


def rule(events: set[str], **fields: object) -> RuleFacts:
    values: dict[str, object] = {"id": 7, "owner_id": 1, "events": frozenset(events)}
    values.update(fields)
    return RuleFacts(**values)  # type: ignore[arg-type]


def test_a_failure_matches_a_rule_that_asks_for_failures() -> None:
    assert match(event("failed"), [rule({"failed"})]) == [Match(7, "failed")]


def test_an_event_the_rule_did_not_ask_for_does_not_match() -> None:
    assert match(event("started"), [rule({"failed"})]) == []
    assert match(event("timed_out", consecutive_failures=1), [rule({"failed"})]) == []


def test_queued_and_output_events_never_notify() -> None:
    every = {"started", "succeeded", "failed", "timed_out", "lost", "missed", "recovered"}
    assert match(event("queued"), [rule(every)]) == []
    assert match(event("output"), [rule(every)]) == []


def test_the_first_success_after_failures_is_a_recovery() -> None:
    recovered = event("succeeded", previous_consecutive_failures=3)
    assert match(recovered, [rule({"recovered"})]) == [Match(7, "recovered")]
    assert match(event("succeeded"), [rule({"recovered"})]) == []


def test_a_rule_asking_for_successes_and_recoveries_gets_one_message_for_a_recovery() -> None:
    recovered = event("succeeded", previous_consecutive_failures=1)
    assert match(recovered, [rule({"succeeded", "recovered"})]) == [Match(7, "recovered")]
    assert match(event("succeeded"), [rule({"succeeded", "recovered"})]) == [Match(7, "succeeded")]


def test_failures_notify_only_from_the_nth_consecutive_one() -> None:
    third = rule({"failed", "lost"}, min_failures=3)
    assert match(event("failed", consecutive_failures=2), [third]) == []
    assert match(event("failed", consecutive_failures=3), [third]) == [Match(7, "failed")]
    assert match(event("lost", consecutive_failures=4), [third]) == [Match(7, "lost")]


def test_a_recovery_needs_a_streak_as_long_as_the_failure_condition() -> None:
    third = rule({"recovered"}, min_failures=3)
    assert match(event("succeeded", previous_consecutive_failures=2), [third]) == []
    assert match(event("succeeded", previous_consecutive_failures=3), [third]) == [
        Match(7, "recovered")
    ]


def test_a_users_rule_never_matches_another_users_job() -> None:
    assert match(event(job_owner_id=2), [rule({"failed"}, owner_id=1)]) == []


def test_an_operator_rule_matches_every_owners_job() -> None:
    operator = rule({"failed"}, owner_id=None)
    assert match(event(job_owner_id=2), [operator]) == [Match(7, "failed")]
    assert match(event(job_owner_id=None), [operator]) == [Match(7, "failed")]


def test_scopes_select_chosen_jobs_or_tags() -> None:
    chosen = rule({"failed"}, scope="jobs", job_ids=frozenset({10}))
    other = rule({"failed"}, id=8, scope="jobs", job_ids=frozenset({11}))
    tagged = rule({"failed"}, id=9, scope="tags", tags=frozenset({"etl", "x"}))
    untagged = rule({"failed"}, id=12, scope="tags", tags=frozenset({"web"}))
    assert match(event(), [chosen, other, tagged, untagged]) == [
        Match(7, "failed"),
        Match(9, "failed"),
    ]


def test_a_disabled_rule_never_matches() -> None:
    assert match(event(), [rule({"failed"}, enabled=False)]) == []


def test_throttling_holds_back_a_second_message_inside_the_window() -> None:
    throttled = rule({"failed"}, throttle_seconds=600)
    last = {7: T0 - timedelta(seconds=599)}
    assert match(event(), [throttled], last) == []
    assert match(event(), [throttled], {7: T0 - timedelta(seconds=600)}) == [Match(7, "failed")]


def test_a_recovery_is_never_throttled() -> None:
    throttled = rule({"recovered"}, throttle_seconds=600)
    recovered = event("succeeded", previous_consecutive_failures=1)
    assert match(recovered, [throttled], {7: T0}) == [Match(7, "recovered")]
