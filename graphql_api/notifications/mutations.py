"""Mutations on notification rules: validated by the model, nothing changes on error."""

from __future__ import annotations

from typing import cast

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction

from thx_cron.models import Job
from thx_cron.security.ownership import may_change
from thx_cron_graphql.errors import InputError, NotAllowed, NotFound, remap
from thx_cron_graphql.ids import decode_id
from thx_cron_graphql.notifications.inputs import NotificationRuleInput
from thx_cron_graphql.notifications.types import (
    DeletedNotificationRule,
    NotificationRuleType,
    NotificationTestResult,
)
from thx_cron_graphql.permissions import Info, require_user
from thx_cron_notifications import delivery, rendering
from thx_cron_notifications.models import NotificationDelivery, NotificationRule

FIELDS = (
    "name",
    "urls",
    "events",
    "scope",
    "tags",
    "min_consecutive_failures",
    "throttle_seconds",
    "slower_than_seconds",
    "slower_than_median_factor",
    "median_of_last_runs",
    "faster_than_seconds",
    "running_longer_than_seconds",
    "title_template",
    "body_template",
    "enabled",
)
# What a test's failure shows to a user who is not staff (the details go to the server log).
TEST_FAILED = "failed"
# Thresholds that null switches off.
NULLABLE = frozenset(
    {
        "slower_than_seconds",
        "slower_than_median_factor",
        "faster_than_seconds",
        "running_longer_than_seconds",
    }
)
# Model field -> input field, for error messages.
FIELD_PATHS = {
    "jobs": "jobIds",
    # the only model-wide check is the unique name per owner
    "owner": "name",
    "__all__": "name",
    "slower_than_seconds": "slowerThanSeconds",
    "slower_than_median_factor": "slowerThanMedianFactor",
    "median_of_last_runs": "medianOfLastRuns",
    "faster_than_seconds": "fasterThanSeconds",
    "running_longer_than_seconds": "runningLongerThanSeconds",
}


def _rule(info: Info, id: strawberry.ID, permission: str = "change") -> NotificationRule:
    """Return the rule `id` if the caller may `permission` it (staff may see without that)."""
    user = require_user(info)
    pk = decode_id(id, "NotificationRule")
    rule = NotificationRule.objects.visible_to(user).filter(pk=pk).first() if pk else None
    if rule is None:
        raise NotFound("id", f"No notification rule {id!r} visible to you.")
    if rule.owner_id is None:
        raise InputError("id", "Operator rules come from settings and cannot be changed here.")
    if not may_change(user, rule, permission):
        raise NotAllowed("id", f"You may not {permission} notification rule {id!r}.")
    return rule


def _save(
    rule: NotificationRule, data: NotificationRuleInput, *, creating: bool
) -> NotificationRule:
    for name in FIELDS:
        value = getattr(data, name)
        if value is strawberry.UNSET:
            continue
        if value is None and name not in NULLABLE:
            raise InputError(name, "This field cannot be null.")
        if name == "events":
            value = [str(getattr(event, "value", event)) for event in value]
        elif name == "scope":
            value = str(getattr(value, "value", value))
        setattr(rule, name, value)
    if creating:
        for required in ("name", "urls", "events"):
            if getattr(data, required) is strawberry.UNSET:
                raise InputError(required, "This field is required.")
    jobs = None
    if data.job_ids is not strawberry.UNSET and data.job_ids is not None:
        ids = [decode_id(job_id, "Job") for job_id in data.job_ids]
        jobs = list(Job.objects.filter(owner=rule.owner, pk__in=[i for i in ids if i]))
        if len(jobs) != len(set(data.job_ids)) or None in ids:
            raise InputError("jobIds", "Every job must exist and be one of your own jobs.")
    if rule.scope == NotificationRule.Scope.JOBS and not (
        jobs if jobs is not None else (rule.pk and rule.jobs.exists())
    ):
        raise InputError("jobIds", "A rule scoped to chosen jobs needs at least one job.")
    try:
        rule.full_clean()  # the owner too: the name is unique per owner
    except ValidationError as exc:
        raise remap(exc, FIELD_PATHS) from None
    try:
        with transaction.atomic(using=router.db_for_write(NotificationRule)):
            rule.save()
            if jobs is not None:
                rule.jobs.set(jobs)
    except IntegrityError:  # the same name saved by a concurrent request
        raise InputError("name", f"You already have a rule named {rule.name!r}.") from None
    return rule


@strawberry.type
class NotificationMutations:
    @strawberry_django.mutation(handle_django_errors=True)
    def create_notification_rule(
        self, info: Info, input: NotificationRuleInput
    ) -> NotificationRuleType:
        """Create a notification rule owned by the caller."""
        rule = _save(NotificationRule(owner=require_user(info)), input, creating=True)
        return cast(NotificationRuleType, rule)

    @strawberry_django.mutation(handle_django_errors=True)
    def update_notification_rule(
        self, info: Info, id: strawberry.ID, input: NotificationRuleInput
    ) -> NotificationRuleType:
        """Change the given fields of a rule (URLs are replaced only when given)."""
        return cast(NotificationRuleType, _save(_rule(info, id), input, creating=False))

    @strawberry_django.mutation(handle_django_errors=True)
    def delete_notification_rule(self, info: Info, id: strawberry.ID) -> DeletedNotificationRule:
        """Delete a rule with its deliveries."""
        rule = _rule(info, id, "delete")
        deleted = DeletedNotificationRule(id=strawberry.ID(str(id)), name=rule.name)
        rule.delete()
        return deleted

    @strawberry_django.mutation(handle_django_errors=True)
    def test_notification_rule(self, info: Info, id: strawberry.ID) -> NotificationTestResult:
        """Send a test message to every URL of a rule now and report the result."""
        # Testing sends to the rule's URLs: someone else's only with the change permission.
        rule = _rule(info, id, "change")
        test = NotificationDelivery.objects.create(
            rule=rule,
            event="test",
            title=f"[thx-cron] test of rule {rule.name}",
            body=rendering.render(
                "This is a test message from thx-cron rule {{ rule.name }}.",
                {"rule": {"name": rule.name}},
            ),
        )
        status = delivery.send(test.pk)
        # A test is tried once; it must not linger as a pending retry.
        NotificationDelivery.objects.filter(pk=test.pk, status="pending").update(status="failed")
        ok = status == NotificationDelivery.Status.SENT
        if ok:
            return NotificationTestResult(ok=True, error=None)
        if require_user(info).is_staff:
            test.refresh_from_db()
            return NotificationTestResult(ok=False, error=test.masked_error)
        # Connection errors would make the test a probe of other machines: only staff see them.
        NotificationDelivery.objects.filter(pk=test.pk).update(last_error=TEST_FAILED)
        return NotificationTestResult(ok=False, error=TEST_FAILED)
