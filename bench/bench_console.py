"""Benchmark the support console's search (a script that prints numbers, not a test).

  .venv/bin/python bench/bench_console.py [--repeat 30] [--data .demo/console-data.json]

Over the demo's data (``.demo/console-data.json`` if present, else the same scenario seeded locally),
served exactly as ``make console`` serves it: the status API Lambda handler over a moto server (the
event table) and the SES stand-in (the suppression list).

(a) warm search latency, p50/p95, for a suppressed, a bounced and a delivered recipient and one message
    ID, (1) calling ``sesmail.handlers.status_api.handler`` with the API Gateway event and (2) through
    the local HTTP server as the browser does (goal: p50 <= 300 ms);
(b) cold start: a fresh interpreter importing the handler module (settings, Logger, DynamoDB and
    SESv2 clients: the Lambda init phase) and answering its first search.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lambda_src"))

from sesmail_local.console import api_gateway_event, local_console  # noqa: E402
from sesmail_local.lambda_runner import FakeLambdaContext  # noqa: E402
from sesmail_local.moto_server import free_port  # noqa: E402

QUERIES = {
    "suppressed recipient": "bounce+c15@example.com",
    "bounced recipient": "bounce@simulator.amazonses.com",
    "delivered recipient": "success+c01@example.com",
}

COLD = """
import json, sys, time
t0 = time.perf_counter()
import sesmail.handlers.status_api as api
t1 = time.perf_counter()
from sesmail_local.console import api_gateway_event
from sesmail_local.lambda_runner import FakeLambdaContext
event = api_gateway_event("/console/api/search", "q=" + sys.argv[1], {})
t2 = time.perf_counter()
response = api.handler(event, FakeLambdaContext("bench", "us-east-1", "123456789012", 10))
t3 = time.perf_counter()
assert response["statusCode"] == 200, response
print(json.dumps({"init_ms": (t1 - t0) * 1000, "first_search_ms": (t3 - t2) * 1000}))
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--data", type=Path, default=ROOT / ".demo" / "console-data.json")
    args = parser.parse_args()
    with local_console(args.data, port=free_port()) as console:
        handler = console.server.handler_module.handler
        context = FakeLambdaContext("bench", "us-east-1", "123456789012", 10)
        first = handler(
            api_gateway_event("/console/api/search", "q=" + quote(QUERIES["delivered recipient"]), {}),
            context,
        )
        message_id = json.loads(first["body"])["recipient"]["messages"][0]["message_id"]
        queries = {**QUERIES, "message ID": message_id}
        print(f"data: {console.source}, {console.items} items; {args.repeat} warm searches each")
        results: dict[str, Any] = {}
        for label, query in queries.items():
            event = api_gateway_event("/console/api/search", "q=" + quote(query), {})
            handler(event, context)  # warm
            direct = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = handler(event, context)
                direct.append((time.perf_counter() - started) * 1000)
                assert response["statusCode"] == 200, response["body"]
            http = []
            url = console.url + "/api/search?q=" + quote(query)
            for _ in range(args.repeat):
                started = time.perf_counter()
                with urllib.request.urlopen(url) as answer:
                    answer.read()
                http.append((time.perf_counter() - started) * 1000)
            results[label] = (direct, http)
            print(
                f"  {label:<22} handler p50 {statistics.median(direct):6.1f} ms "
                f"p95 {percentile(direct, 0.95):6.1f} ms"
                f" | HTTP p50 {statistics.median(http):6.1f} ms p95 {percentile(http, 0.95):6.1f} ms"
            )
        env = {**os.environ, "PYTHONPATH": str(ROOT / "lambda_src")}
        colds = []
        for _ in range(5):
            out = subprocess.run(
                [sys.executable, "-c", COLD, quote(QUERIES["suppressed recipient"])],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            colds.append(json.loads(out.stdout.strip().splitlines()[-1]))
        init = [c["init_ms"] for c in colds]
        first_search = [c["first_search_ms"] for c in colds]
        print(
            f"  cold start (5 fresh interpreters): init p50 {statistics.median(init):.0f} ms "
            f"(max {max(init):.0f}), first search p50 {statistics.median(first_search):.0f} ms "
            f"(max {max(first_search):.0f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
