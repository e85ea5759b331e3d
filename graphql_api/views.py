"""The HTTP endpoint: Strawberry's Django view with bearer tokens, origin checks and CORS."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from strawberry.django.views import GraphQLView

try:  # strawberry >= 0.3xx raises cross_web's, earlier versions their own
    from cross_web import HTTPException
except ImportError:  # pragma: no cover
    from strawberry.http.exceptions import HTTPException  # type: ignore[no-redef,attr-defined]

from thx_cron_graphql.auth import InvalidToken, user_for_authorization
from thx_cron_graphql.body import BadBody, body_problem, read_body
from thx_cron_graphql.origins import cors_origin, origin_allowed

_CORS_HEADERS = "Authorization, Content-Type"


class ThxGraphQLView(GraphQLView):
    """POST runs queries and mutations, GET serves GraphiQL."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        origin = request.headers.get("Origin")
        if not origin_allowed(origin, request.get_host()):
            return _error(f"Origin {origin} may not call this API.", 403)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response["Access-Control-Allow-Headers"] = _CORS_HEADERS
            response["Access-Control-Max-Age"] = "600"
            return _with_cors(response, origin)
        if request.method == "POST":
            problem = body_problem(request.body)
            if problem:
                return _error(problem, 400)
        try:
            user = user_for_authorization(request.headers.get("Authorization"))
        except InvalidToken as exc:
            return _error(str(exc), 401)
        if user is not None:
            request.user = user
        return _with_cors(super().dispatch(request, *args, **kwargs), origin)

    def decode_json(self, data: str | bytes) -> object:
        # Bad bodies are HTTP 400 (Django logs it at WARNING), never a server error.
        try:
            return read_body(data)
        except BadBody as exc:
            raise HTTPException(400, str(exc)) from None

    def render_graphql_ide(self, request: HttpRequest) -> HttpResponse:
        # GraphiQL from this package's static files (strawberry's page loads it from a CDN, and
        # is blank without internet).
        return HttpResponse(render_to_string("thx_cron_graphql/graphiql.html", request=request))


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"data": None, "errors": [{"message": message}]}, status=status)


def _with_cors(response: HttpResponseBase, origin: str | None) -> HttpResponseBase:
    allowed = cors_origin(origin)
    if allowed:
        response["Access-Control-Allow-Origin"] = allowed
        response["Access-Control-Allow-Credentials"] = "true"
        response["Vary"] = "Origin"
    return response
