"""Who may change an owned object (a job, a notification rule): one policy for every entry point.

Owners may always change their own objects; changing someone else's needs the Django model
permission (``<app>.change_<model>``, ``<app>.delete_<model>``), which superusers hold implicitly.
Who may *see* an object is ``thx_cron.security.visibility`` (staff and superusers see all).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model


def may_change(user: Any, obj: Model, permission: str = "change") -> bool:
    """Tell whether `user` may `permission` ("change" or "delete") the owned `obj`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    owner_id = getattr(obj, "owner_id", None)
    if owner_id is not None and owner_id == user.pk:
        return True
    return has_model_permission(user, type(obj), permission)


def has_model_permission(user: Any, model: type[Model], permission: str = "change") -> bool:
    """Tell whether `user` holds the Django model permission over every object of `model`."""
    meta = model._meta
    return bool(user.has_perm(f"{meta.app_label}.{permission}_{meta.model_name}"))


class OwnedObjectAdmin:
    """ModelAdmin mixin: change and delete an object by the policy above, not by model alone.

    An owner whose account lacks the model permission may edit their own object, but not give
    it to someone else: the owner field is then read-only.
    """

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        if obj is None:
            return super().has_change_permission(request, obj)  # type: ignore[misc, no-any-return]
        return may_change(request.user, obj, "change")

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        if obj is None:
            return super().has_delete_permission(request, obj)  # type: ignore[misc, no-any-return]
        return may_change(request.user, obj, "delete")

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        model = self.model  # type: ignore[attr-defined]
        if obj is not None and not has_model_permission(request.user, model, "change"):
            fields.append("owner")
        return fields

    def changeable(self, request: Any, queryset: Any) -> tuple[list[Any], int]:
        """Split an admin action's selection into the objects the user may change and a count."""
        allowed = [obj for obj in queryset if may_change(request.user, obj, "change")]
        return allowed, len(queryset) - len(allowed)
