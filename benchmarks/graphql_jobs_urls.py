"""URLs of the graphql_jobs benchmark: the API, and a hand-written view returning the same JSON."""

from __future__ import annotations

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from strawberry.relay import to_base64

from thx_cron.models import Job, JobLog
from thx_cron_graphql.auth import user_for_authorization


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


def hand_jobs(request: HttpRequest) -> JsonResponse:
    """Return the page of jobs with last run and 5 latest runs, written by hand."""
    user = user_for_authorization(request.headers.get("Authorization"))
    first = int(request.GET.get("first", "100"))
    jobs = Job.objects.filter(owner=user).order_by("name", "id")
    page = list(
        jobs.select_related("last_run").only(
            "id", "name", "last_run__id", "last_run__status", "last_run__finished_at"
        )[:first]
    )
    ranked = JobLog.objects.filter(job__in=[job.pk for job in page]).annotate(
        rank=Window(
            RowNumber(), partition_by=F("job_id"), order_by=[F("queued_at").desc(), F("id").desc()]
        )
    )
    runs: dict[int, list[dict[str, object]]] = {}
    for run in ranked.filter(rank__lte=5).values("id", "job_id", "status", "queued_at"):
        runs.setdefault(run["job_id"], []).append(
            {
                "node": {
                    "id": to_base64("JobLog", run["id"]),
                    "status": run["status"].upper(),
                    "queuedAt": _iso(run["queued_at"]),
                }
            }
        )
    edges = []
    for job in page:
        last = job.last_run
        edges.append(
            {
                "node": {
                    "id": to_base64("Job", job.pk),
                    "name": job.name,
                    "lastRun": None
                    if last is None
                    else {
                        "id": to_base64("JobLog", last.pk),
                        "status": last.status.upper(),
                        "finishedAt": _iso(last.finished_at),
                    },
                    "runs": {"edges": runs.get(job.pk, [])},
                }
            }
        )
    return JsonResponse({"jobs": {"totalCount": jobs.count(), "edges": edges}})


urlpatterns = [path("hand/jobs", hand_jobs), path("", include("thx_cron_graphql.urls"))]
