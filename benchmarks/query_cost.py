"""Benchmark: what refusing abusive documents costs, and what the cost rule costs ordinary pages.

Prints, through thx-cron's GraphQL view (bearer token, body parsing, parse, validation,
execution, JSON), in one run:
- the time to refuse the fragment bomb (~1 KB, 2^24 fields once expanded), anonymous, each
  round a document the caches have not seen;
- the time to answer `previewSchedule` with a 2.4 MB cron expression;
- `jobs(first: 100)` with each job's last run and 5 latest runs (100 jobs x 20 runs), validated
  on every request (a comment makes each document new), with the cost rule on, with no limit
  rule at all (the baseline), and with strawberry's depth and alias limiters (what the rule
  replaced): medians and the ratio to the baseline.

    .venv/bin/python benchmarks/query_cost.py [--rounds 40] [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE = """query Page($n: Int!) { jobs(first: $n) { totalCount edges { node {
    id name lastRun { id status finishedAt }
    runs(first: 5) { edges { node { id status queuedAt } } } } } } }"""
PREVIEW = """query($cron: String!) { previewSchedule(schedule: {cron: $cron}) {
    __typename ... on OperationInfo { messages { field message } } } }"""


def fragment_bomb(levels: int = 24) -> str:
    fragments = ["fragment F0 on Job { id name }"]
    fragments += [
        f"fragment F{i} on Job {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)
    ]
    return f"query Bomb {{ jobs {{ edges {{ node {{ ...F{levels} }} }} }} }}\n" + "\n".join(
        fragments
    )


def setup(database_url: str | None) -> None:
    data_dir = tempfile.mkdtemp(prefix="thx-cron-bench-")
    os.environ.update(THX_CRON_DATA_DIR=data_dir, SECRET_KEY="bench", LOG_LEVEL="ERROR")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{data_dir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "thx_cron.standalone.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(jobs: int, runs: int) -> str:
    from benchmarks.graphql_jobs import populate as populate_jobs

    return populate_jobs(jobs, runs)


def view_for(extensions: list[Any]) -> Callable[..., Any]:
    """Return thx-cron's GraphQL view on the schema's types with `extensions`."""
    import strawberry
    from strawberry.schema.config import StrawberryConfig

    from thx_cron_graphql import schema as module
    from thx_cron_graphql.views import ThxGraphQLView

    schema = module.Schema(
        query=module.Query,
        mutation=module.Mutation,
        subscription=module.Subscription,
        extensions=extensions,
        config=StrawberryConfig(name_converter=module.CachedNameConverter()),
    )
    assert isinstance(schema, strawberry.Schema)
    return ThxGraphQLView.as_view(schema=schema)


def post(view: Callable[..., Any], body: dict[str, Any], token: str | None) -> tuple[int, Any]:
    from django.test import RequestFactory

    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    request = RequestFactory().post(
        "/graphql",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_HOST="127.0.0.1",
        **headers,
    )
    response = view(request)
    return response.status_code, json.loads(response.content)


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--preview-rounds", type=int, default=1)
    options = parser.parse_args()
    setup(options.database_url)
    token = populate(100, 20)

    from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

    from thx_cron_graphql import limits
    from thx_cron_graphql.optimizer import QuerysetOptimizer
    from thx_cron_graphql.schema import schema

    others = limits.limit_extensions()[1:]  # the token limit and the caches
    views = {
        "no limit rule (baseline)": view_for([*others, QuerysetOptimizer]),
        "cost rule": view_for([*limits.limit_extensions(), QuerysetOptimizer]),
        "strawberry depth + alias limiters": view_for(
            [
                lambda: QueryDepthLimiter(max_depth=limits.MAX_DEPTH),
                lambda: MaxAliasesLimiter(max_alias_count=limits.MAX_ALIASES),
                *others,
                QuerysetOptimizer,
            ]
        ),
    }
    assert schema.extensions[0] is limits.DocumentLimits, "the schema's first extension"
    guarded = views["cost rule"]

    bomb = fragment_bomb()
    refusals = []
    for index in range(options.rounds):
        spent, (status, answer) = timed(
            lambda i=index: post(guarded, {"query": f"{bomb}\n# {i}"}, None)
        )
        assert "once its fragments are expanded" in answer["errors"][0]["message"], answer
        refusals.append(spent)
    print(
        f"fragment bomb ({len(bomb)} characters, 2^24 fields expanded), anonymous: refused in "
        f"{statistics.median(refusals):.2f} ms median, {max(refusals):.2f} ms at most "
        f"({options.rounds} rounds, each document new to the caches)"
    )

    cron = ("1," * 1_200_000)[:-1] + " * * * *"
    previews = []
    for _ in range(options.preview_rounds):
        spent, (status, answer) = timed(
            lambda: post(guarded, {"query": PREVIEW, "variables": {"cron": cron}}, None)
        )
        previews.append(spent)
    shown = json.dumps(answer)[:160]
    print(
        f"previewSchedule with a {len(cron) / 1e6:.1f} MB cron: "
        f"{statistics.median(previews):.0f} ms median of {options.preview_rounds} "
        f"(HTTP {status}: {shown})"
    )

    samples: dict[str, list[float]] = {name: [] for name in views}
    names = list(views)
    for index in range(options.rounds + 5):
        # Each round in another order, so that no side always runs first; 5 warm-up rounds.
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            document = f"{PAGE}\n# {name} {index}"  # new to the caches: validated every time
            body = {"query": document, "variables": {"n": 100}}
            spent, (status, answer) = timed(lambda v=views[name], b=body: post(v, b, token))
            assert status == 200 and len(answer["data"]["jobs"]["edges"]) == 100, answer
            if index >= 5:
                samples[name].append(spent)
    baseline = statistics.median(samples["no limit rule (baseline)"])
    for name, values in samples.items():
        median = statistics.median(values)
        print(
            f"jobs(first: 100), {name}: {median:.1f} ms median, "
            f"ratio {median / baseline:.3f}x ({options.rounds} rounds)"
        )

    # The rule alone on the page's document, without the noise of the rest of a request.
    from graphql import parse, validate

    document = parse(PAGE)
    alone = []
    for _ in range(200):
        spent, errors = timed(lambda: validate(schema._schema, document, limits._RULES))
        assert not errors
        alone.append(spent)
    rule = statistics.median(alone)
    print(
        f"the cost rule alone on that document: {rule * 1000:.0f} us median (200 rounds), "
        f"{rule / baseline * 100:.2f}% of the baseline page"
    )


if __name__ == "__main__":
    main()
