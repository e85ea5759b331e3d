"""Rules follow the jobs' policy: staff see every rule, but change, re-point, test or delete
someone else's only with the model permission, over GraphQL and in the admin alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.graphql.client import GraphQLClient
from thx_cron.models import Job
from thx_cron_graphql.models import ApiToken
from thx_cron_notifications.models import NotificationRule

pytestmark = pytest.mark.django_db

RULES = "/admin/thx_cron_notifications/notificationrule"
CALLS = {
    "update": 'updateNotificationRule(id: $id, input: {name: "mine now"}) { __typename }',
    "re-point": 'updateNotificationRule(id: $id, input: {urls: ["json://127.0.0.1:9/x"]}) '
    "{ __typename }",
    "test": "testNotificationRule(id: $id) { __typename }",
    "delete": "deleteNotificationRule(id: $id) { __typename }",
}


def client_of(user: Any) -> GraphQLClient:
    return GraphQLClient(token=ApiToken.issue(user, "tests")[1])


def rule_of(owner: Any, job: Job | None = None, name: str = "bob-rule") -> NotificationRule:
    rule = NotificationRule.objects.create(
        owner=owner, name=name, urls=["json://127.0.0.1:9/bob"], events=["failed"]
    )
    if job is not None:
        rule.jobs.set([job])
    return rule


def call(client: GraphQLClient, name: str, rule: NotificationRule) -> dict[str, Any]:
    document = f"""mutation($id: ID!) {{ result: {CALLS[name].removesuffix("{ __typename }")}
        {{ __typename ... on OperationInfo {{ messages {{ kind field message }} }} }} }}"""
    answer = client.execute(document, {"id": rule.pk})
    assert "errors" not in answer, answer
    return answer["data"]["result"]


def grant(user: Any, *codenames: str) -> None:
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


@pytest.mark.parametrize("name", list(CALLS))
def test_staff_without_the_permission_cannot_touch_someone_elses_rule(
    staff_user: Any, other_user: Any, name: str
) -> None:
    rule = rule_of(other_user)
    before = list(NotificationRule.objects.values())
    staff = client_of(staff_user)
    assert staff.data("{ notificationRules { edges { node { name } } } }") == {
        "notificationRules": {"edges": [{"node": {"name": "bob-rule"}}]}
    }
    refused = call(staff, name, rule)
    assert refused["__typename"] == "OperationInfo"
    assert refused["messages"][0]["kind"] == "PERMISSION"
    assert refused["messages"][0]["field"] == "id"
    assert list(NotificationRule.objects.values()) == before
    assert not rule.deliveries.exists()


def test_the_model_permissions_let_staff_change_test_and_delete_others_rules(
    staff_user: Any, other_user: Any
) -> None:
    rule = rule_of(other_user)
    staff = client_of(staff_user)
    grant(staff_user, "change_notificationrule")
    assert call(staff, "update", rule)["__typename"] == "NotificationRule"
    assert NotificationRule.objects.get(pk=rule.pk).name == "mine now"
    assert call(staff, "test", rule)["__typename"] == "NotificationTestResult"
    # Deleting needs its own permission.
    assert call(staff, "delete", rule)["__typename"] == "OperationInfo"
    grant(staff_user, "delete_notificationrule")
    assert call(staff, "delete", rule)["__typename"] == "DeletedNotificationRule"
    assert not NotificationRule.objects.filter(pk=rule.pk).exists()


def test_owners_keep_every_right_over_their_own_rules(user: Any) -> None:
    rule = rule_of(user, name="alice-rule")
    alice = client_of(user)
    for name in ("update", "re-point", "test", "delete"):
        assert call(alice, name, rule)["__typename"] != "OperationInfo", name


def rule_form(rule: NotificationRule, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": rule.name,
        "owner": rule.owner_id,
        "enabled": "on",
        "new_urls": "",
        "events": rule.events,
        "scope": rule.scope,
        "jobs": [job.pk for job in rule.jobs.all()],
        "tags": "",
        "min_consecutive_failures": 1,
        "throttle_seconds": 0,
        "title_template": rule.title_template,
        "body_template": rule.body_template,
    }
    data.update(overrides)
    return data


def test_the_admin_refuses_staff_changing_or_deleting_someone_elses_rule(
    staff_user: Any, other_user: Any, client: Client
) -> None:
    rule = rule_of(other_user)
    grant(staff_user, "view_notificationrule")
    client.force_login(staff_user)
    page = client.get(f"{RULES}/{rule.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    repointed = rule_form(rule, new_urls="json://127.0.0.1:9/carol")
    assert client.post(f"{RULES}/{rule.pk}/change/", repointed).status_code == 403
    assert client.post(f"{RULES}/{rule.pk}/delete/", {"post": "yes"}).status_code == 403
    assert NotificationRule.objects.get(pk=rule.pk).urls == ["json://127.0.0.1:9/bob"]


def test_an_owner_in_the_admin_can_neither_give_a_rule_away_nor_aim_it_at_others_jobs(
    staff_user: Any, other_user: Any, make_job: Any, client: Client
) -> None:
    grant(staff_user, "view_notificationrule")
    mine = rule_of(staff_user, make_job(owner=staff_user), name="carol-rule")
    client.force_login(staff_user)
    given = client.post(f"{RULES}/{mine.pk}/change/", rule_form(mine, owner=other_user.pk))
    assert given.status_code == 302
    assert NotificationRule.objects.get(pk=mine.pk).owner_id == staff_user.pk
    theirs = make_job(owner=other_user)
    aimed = client.post(
        f"{RULES}/{mine.pk}/change/", rule_form(mine, scope="jobs", jobs=[theirs.pk])
    )
    assert aimed.status_code == 200
    assert "Every job must belong to the rule&#x27;s owner." in aimed.content.decode()
    assert list(mine.jobs.all()) != [theirs]


def test_admin_actions_leave_other_users_jobs_alone_without_the_permission(
    staff_user: Any, other_user: Any, make_job: Any, client: Client
) -> None:
    grant(staff_user, "view_job")
    theirs = make_job(owner=other_user)
    client.force_login(staff_user)
    answer = client.post(
        "/admin/thx_cron/job/", {"action": "pause", "_selected_action": [theirs.pk]}, follow=True
    )
    assert "Left 1 job(s) of other users alone" in answer.content.decode()
    assert Job.objects.get(pk=theirs.pk).enabled
