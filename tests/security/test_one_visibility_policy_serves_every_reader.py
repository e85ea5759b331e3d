"""Every reader of jobs, runs, events, rules and deliveries shows each user exactly what the one
visibility policy (thx_cron/security/visibility.py) says: GraphQL lists, lookups and nested lists
and a live subscription, served by a real `thx-cron web` process over loopback HTTP and WebSocket,
and the Python querysets and in-memory test in this process."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import websockets
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from strawberry.relay import GlobalID, to_base64

from thx_cron import lifecycle
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron.security import visibility
from thx_cron_graphql.auth import user_for_authorization
from thx_cron_graphql.models import ApiToken
from thx_cron_notifications.models import NotificationDelivery, NotificationRule

MODELS: dict[str, type[Any]] = {
    "Job": Job,
    "JobLog": JobLog,
    "JobEvent": JobEvent,
    "NotificationRule": NotificationRule,
    "NotificationDelivery": NotificationDelivery,
}

# The specification the readers are held to, written out rather than asked of the policy: whose
# objects each caller sees. "nobody" owns a declared job and an operator's rule.
SEES: dict[str, set[str]] = {
    "anonymous": set(),
    "owner": {"alice"},
    "token user": {"alice"},  # the owner again, by API token instead of a session
    "other user": {"bob"},
    "staff": {"alice", "bob", "nobody"},
    "superuser": {"alice", "bob", "nobody"},  # not staff: a superuser sees all by being one
}


@dataclass
class World:
    """The same objects for every reader: each one's pk by model, with whose it is."""

    owners: dict[str, dict[int, str]] = field(default_factory=dict)  # model -> pk -> owner
    users: dict[str, Any] = field(default_factory=dict)

    def add(self, obj: Any, whose: str) -> None:
        self.owners.setdefault(type(obj).__name__, {})[obj.pk] = whose

    def expected(self, model: str, who: str) -> set[int]:
        return {pk for pk, whose in self.owners[model].items() if whose in SEES[who]}


def build_world() -> World:
    world = World()
    User = get_user_model()
    alice = User.objects.create_user("alice", password="alice-password")
    bob = User.objects.create_user("bob", password="bob-password")
    world.users = {
        "owner": alice,
        "other user": bob,
        "staff": User.objects.create_user("carol", password="carol-password", is_staff=True),
        "superuser": User.objects.create_user("dave", password="dave-password", is_superuser=True),
    }
    runs = {}
    for whose, owner in (("alice", alice), ("bob", bob), ("nobody", None)):
        job = Job(
            name=f"{whose}-job",
            owner=owner,
            key=f"tests.{whose}" if owner is None else None,
            action="demo.echo",
            args=["x"],
            cron="* * * * *",
        )
        job.full_clean()
        job.save()
        world.add(job, whose)
        run = runs[whose] = lifecycle.create_run(job)
        job.start(run)
        job.complete(run, "ok")
        world.add(run, whose)
        for event in JobEvent.objects.filter(job=job):
            world.add(event, whose)
    for whose, owner in (("alice", alice), ("bob", bob), ("nobody", None)):
        rule = NotificationRule(
            owner=owner, name=f"{whose}-rule", urls=["json://127.0.0.1:9/x"], events=["failed"]
        )
        rule.full_clean(exclude=["jobs"])
        rule.save()
        world.add(rule, whose)
        # The operator's rule tells about alice's run: a delivery is seen with its rule.
        about = runs["alice" if owner is None else whose]
        delivery = NotificationDelivery.objects.create(
            rule=rule, job=about.job, run=about, event="succeeded", title="t", body="b"
        )
        world.add(delivery, whose)
    # Each model has objects of all three, so that every user misses some and staff see more.
    assert all(
        set(owners.values()) == {"alice", "bob", "nobody"} for owners in world.owners.values()
    )
    return world


@dataclass
class Caller:
    """One user as a client of the real server: a session cookie, a bearer token or neither."""

    who: str
    user: Any  # as the Python readers are given it
    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    token: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = httpx.post(
            f"{self.base}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=self.headers(),
            timeout=30,
        )
        assert response.status_code == 200, response.text[:500]
        answer = response.json()
        assert not answer.get("errors"), answer
        return answer["data"]  # type: ignore[no-any-return]


def caller_for(who: str, world: World, base: str) -> Caller:
    if who == "anonymous":
        return Caller(who, AnonymousUser(), base)
    if who == "token user":
        secret = ApiToken.issue(world.users["owner"], "visibility")[1]
        # The user the API finds for the token, as every reader of a request does.
        return Caller(who, user_for_authorization(f"Bearer {secret}"), base, token=secret)
    user = world.users[who]
    # A session as a login makes it, in the database the server reads (same SECRET_KEY).
    browser = Client()
    browser.force_login(user)
    return Caller(
        who, user, base, cookies={settings.SESSION_COOKIE_NAME: browser.session.session_key}
    )


def pks(ids: list[str], type_name: str) -> set[int]:
    decoded = [GlobalID.from_id(node_id) for node_id in ids]
    assert {g.type_name for g in decoded} <= {type_name}
    return {int(g.node_id) for g in decoded}


def edges(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


# Readers: each returns, per model it reads, the pks it showed the caller.
Reader = Callable[[Caller, World], dict[str, set[int]]]


def graphql_lists(caller: Caller, world: World) -> dict[str, set[int]]:
    data = caller.data("""{
        jobs(first: 100) { edges { node { id } } }
        jobLogs(first: 100) { edges { node { id } } }
        notificationRules(first: 100) { edges { node { id } } }
        notificationDeliveries(first: 100) { edges { node { id } } }
    }""")
    return {
        "Job": pks([n["id"] for n in edges(data["jobs"])], "Job"),
        "JobLog": pks([n["id"] for n in edges(data["jobLogs"])], "JobLog"),
        "NotificationRule": pks(
            [n["id"] for n in edges(data["notificationRules"])], "NotificationRule"
        ),
        "NotificationDelivery": pks(
            [n["id"] for n in edges(data["notificationDeliveries"])], "NotificationDelivery"
        ),
    }


def graphql_lookups(caller: Caller, world: World) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {"Job": set(), "JobLog": set()}
    for model, field_name in (("Job", "job"), ("JobLog", "jobLog")):
        for pk in world.owners[model]:
            query = f"query($id: ID!) {{ one: {field_name}(id: $id) {{ id }} }}"
            if caller.data(query, {"id": to_base64(model, pk)})["one"] is not None:
                found[model].add(pk)
    return found


def graphql_nested(caller: Caller, world: World) -> dict[str, set[int]]:
    """Runs and events reached through jobs, rules through deliveries, jobs through runs."""
    data = caller.data("""{
        jobs(first: 100) { edges { node { runs(first: 100) { edges { node {
            id events { id } job { id } } } } } } }
        notificationDeliveries(first: 100) { edges { node { rule { id } } } }
        latestEventId
    }""")
    runs = [run for job in edges(data["jobs"]) for run in edges(job["runs"])]
    latest = data["latestEventId"]
    return {
        "JobLog": pks([run["id"] for run in runs], "JobLog"),
        "JobEvent": pks([e["id"] for run in runs for e in run["events"]], "JobEvent"),
        "Job": pks([run["job"]["id"] for run in runs], "Job"),
        "NotificationRule": pks(
            [d["rule"]["id"] for d in edges(data["notificationDeliveries"])], "NotificationRule"
        ),
        # The newest visible event: compared with the newest of the expected ones below.
        "latest JobEvent": set() if latest is None else pks([latest], "JobEvent"),
    }


EVENTS = "subscription($jobId: ID, $after: ID) { jobLogEvents(jobId: $jobId, afterEventId: $after) { id } }"  # noqa: E501


def subscription(caller: Caller, world: World) -> dict[str, set[int]]:
    """jobLogEvents over a real WebSocket: every event from the start, and one job's at a time."""
    return asyncio.run(_subscribe(caller, world))


async def _subscribe(caller: Caller, world: World) -> dict[str, set[int]]:
    port = caller.base.rsplit(":", 1)[1]
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/graphql",
        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
        additional_headers={k: v for k, v in caller.headers().items() if k == "Cookie"},
    ) as socket:
        payload = {"Authorization": f"Bearer {caller.token}"} if caller.token else {}
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await asyncio.wait_for(socket.recv(), 20))
        assert ack["type"] == "connection_ack", ack
        after = str(GlobalID("JobEvent", "0"))  # replay every event there is
        operations = {"all": {"after": after}}
        for pk in world.owners["Job"]:
            operations[f"job {pk}"] = {"after": after, "jobId": to_base64("Job", pk)}
        for op_id, variables in operations.items():
            message = {"query": EVENTS, "variables": variables}
            await socket.send(json.dumps({"type": "subscribe", "id": op_id, "payload": message}))
        events: dict[str, set[int]] = {op_id: set() for op_id in operations}
        refused: dict[str, str] = {}
        # Every event is in the replay; a quiet second means it has all arrived.
        while True:
            try:
                message = json.loads(await asyncio.wait_for(socket.recv(), 1.5))
            except TimeoutError:
                break
            if message["type"] == "complete":  # after a refusal
                continue
            assert message["type"] == "next", message
            errors = message["payload"].get("errors")
            if errors:
                refused[message["id"]] = errors[0]["message"]
                continue
            event_id = message["payload"]["data"]["jobLogEvents"]["id"]
            events[message["id"]] |= pks([event_id], "JobEvent")
    for op_id, reason in refused.items():
        expected = "Log in" if caller.who == "anonymous" else "No job with id"
        assert expected in reason, (op_id, reason)
        assert not events[op_id]
    if caller.who == "anonymous":
        assert set(refused) == set(operations)
    by_job = {pk: events[f"job {pk}"] for pk in world.owners["Job"]}
    assert all(
        all(world.owners["JobEvent"][e] == world.owners["Job"][job] for e in seen)
        for job, seen in by_job.items()
    ), "a job's subscription delivered another job's event"
    return {
        "JobEvent": events["all"],
        "Job": {pk for pk in world.owners["Job"] if f"job {pk}" not in refused},
        "JobEvent by job": set().union(*by_job.values()),
    }


def querysets(caller: Caller, world: World) -> dict[str, set[int]]:
    return {
        name: set(model.objects.visible_to(caller.user).values_list("pk", flat=True))
        for name, model in MODELS.items()
    }


def predicates(caller: Caller, world: World) -> dict[str, set[int]]:
    """The in-memory form (what subscriptions use) over the loaded objects, as they load them."""
    found = {}
    for name, model in MODELS.items():
        related = {"JobLog": ["job"], "JobEvent": ["job"], "NotificationDelivery": ["rule"]}
        objects = model.objects.select_related(*related.get(name, []))
        sees = visibility.predicate(model, caller.user)
        found[name] = {obj.pk for obj in objects if sees(obj)}
        assert found[name] == {obj.pk for obj in objects if visibility.can_see(caller.user, obj)}
    return found


READERS: dict[str, Reader] = {
    "GraphQL lists": graphql_lists,
    "GraphQL lookups by id": graphql_lookups,
    "GraphQL nested lists": graphql_nested,
    "jobLogEvents over WebSocket": subscription,
    "Python querysets": querysets,
    "in-memory predicate": predicates,
}


@pytest.mark.parametrize("who", list(SEES))
@pytest.mark.parametrize("reader", list(READERS))
def test_each_reader_shows_each_user_what_the_policy_says(
    server: Any, reader: str, who: str
) -> None:
    world = build_world()
    caller = caller_for(who, world, f"http://127.0.0.1:{server.port}")
    shown = READERS[reader](caller, world)
    for model, pks_shown in shown.items():
        if model == "latest JobEvent":
            events = world.expected("JobEvent", who)
            assert pks_shown == ({max(events)} if events else set()), (reader, who, model)
            continue
        expected = world.expected(model.removesuffix(" by job"), who)
        assert pks_shown == expected, (reader, who, model, pks_shown, expected)
