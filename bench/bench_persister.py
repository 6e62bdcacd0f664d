"""Benchmark the persister over 20,000 mixed SES events (a script that prints numbers, not a test).

  .venv/bin/python bench/bench_persister.py [--events 20000] [--batch-size 10] [--repeat 5]

(a) handler CPU per event with DynamoDB stubbed, as a ratio to bare ``json.loads`` of the same SQS
    bodies in the same run (goal <= 3x);
(b) DynamoDB requests per event at SQS batch size 10 (goal <= 0.1) and reads (goal 0);
(c) cold import time of ``sesmail.handlers.persister`` in a fresh interpreter (goal <= 250 ms),
    including the module's init work (settings, Logger, Metrics, the boto3 client).

Event mix (fixed seed): every fixture of tests/events/ in a realistic proportion (mostly Send,
Delivery and Open), half as SNS raw delivery and half in the SNS envelope, each with its own message id.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from sesevents import FakeLambdaContext, load_ses, raw_body, sns_envelope, sqs_event  # noqa: E402

ENV = {
    "EVENTS_TABLE_NAME": "ses-events-bench",
    "POWERTOOLS_SERVICE_NAME": "ses-event-persister",
    "POWERTOOLS_METRICS_NAMESPACE": "SesMailPlatform",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
}
MIX = {
    "send": 30,
    "delivery": 28,
    "open": 15,
    "click": 5,
    "delivery_delay": 4,
    "bounce_permanent_multi": 2,
    "bounce_suppressed": 2,
    "notification_bounce": 1,
    "notification_delivery": 5,
    "complaint_multi": 1,
    "notification_complaint": 1,
    "reject": 1,
    "rendering_failure": 1,
    "subscription": 2,
    "unknown_future_type": 2,
}


class StubDynamoDB:
    """Accepts every BatchWriteItem; counts every call by operation name (reads would show up)."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def batch_write_item(self, **_: Any) -> dict[str, Any]:
        self.calls["batch_write_item"] = self.calls.get("batch_write_item", 0) + 1
        return {"UnprocessedItems": {}}

    def __getattr__(self, name: str) -> Any:
        def record(**_: Any) -> dict[str, Any]:
            self.calls[name] = self.calls.get(name, 0) + 1
            return {}

        return record


def make_bodies(count: int, seed: int = 20_000) -> list[str]:
    rng = random.Random(seed)
    names = rng.choices(list(MIX), weights=list(MIX.values()), k=count)
    templates = {name: load_ses(name) for name in MIX}
    bodies = []
    for index, name in enumerate(names):
        record = json.loads(json.dumps(templates[name]))
        record["mail"]["messageId"] = (
            f"0102019062bench{index:08d}-1f2e3d4c-aaaa-bbbb-cccc-000000000000-000000"
        )
        bodies.append(raw_body(record) if index % 2 else sns_envelope(record, f"sns-{index:08d}"))
    return bodies


def cpu_seconds(function: Any, repeat: int) -> float:
    """Best of ``repeat`` process-CPU timings (the minimum is the least disturbed by neighbours)."""
    timings = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        timings.append(time.process_time() - start)
    return min(timings)


def cold_import_ms(runs: int) -> tuple[list[float], list[float]]:
    """(wall ms, CPU ms) of importing the handler module in ``runs`` fresh interpreters. CPU time is
    reported too because wall time on a shared machine mostly measures the neighbours."""
    code = (
        "import time; w = time.perf_counter(); c = time.process_time(); import sesmail.handlers.persister; "
        "print((time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000)"
    )
    env = {**os.environ, **ENV}
    wall, cpu = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        wall_ms, cpu_ms = (float(value) for value in out.stdout.split())
        wall.append(wall_ms)
        cpu.append(cpu_ms)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000, help="SQS records to process (default 20000)")
    parser.add_argument("--batch-size", type=int, default=10, help="SQS batch size (default 10)")
    parser.add_argument(
        "--repeat", type=int, default=5, help="timing repetitions, best is reported (default 5)"
    )
    args = parser.parse_args()

    os.environ.update(ENV)
    from sesmail.events.parse import parse_sqs_body  # noqa: PLC0415
    from sesmail.events.persist import persist_batch  # noqa: PLC0415
    from sesmail.events.store import EventStore  # noqa: PLC0415
    from sesmail.handlers import persister  # noqa: PLC0415 - after the environment is set

    bodies = make_bodies(args.events)
    batches = [
        sqs_event(bodies[start : start + args.batch_size], f"b{start}")
        for start in range(0, len(bodies), args.batch_size)
    ]
    context = FakeLambdaContext()

    def bare_json() -> None:
        for body in bodies:
            json.loads(body)

    stub = StubDynamoDB()
    persister.store = EventStore(stub, ENV["EVENTS_TABLE_NAME"])  # type: ignore[arg-type]

    def run_handler() -> None:
        for batch in batches:
            persister.handler(batch, context)

    with contextlib.redirect_stdout(io.StringIO()):  # logs and EMF go to stdout in Lambda
        run_handler()  # warm-up, and the request count of exactly one pass
        calls = dict(stub.calls)
        handler_cpu = cpu_seconds(run_handler, args.repeat)
    json_cpu = cpu_seconds(bare_json, args.repeat)

    # Where the time goes: parsing alone, then the whole batch logic without Powertools.
    def parse_only() -> None:
        for body in bodies:
            parse_sqs_body(body)

    pairs = [[(r["messageId"], r["body"]) for r in batch["Records"]] for batch in batches]

    def batch_logic() -> None:
        for records in pairs:
            persist_batch(records, persister.store, persister.settings, context.get_remaining_time_in_millis)

    parse_cpu = cpu_seconds(parse_only, args.repeat)
    logic_cpu = cpu_seconds(batch_logic, args.repeat)

    writes = calls.pop("batch_write_item", 0)
    import_wall, import_cpu = cold_import_ms(7)
    per_event_us = handler_cpu / len(bodies) * 1e6
    json_us = json_cpu / len(bodies) * 1e6
    print(f"events (SQS records)          {len(bodies)} in {len(batches)} batches of {args.batch_size}")
    print(f"(a) handler CPU per event     {per_event_us:.1f} us  (bare json.loads {json_us:.1f} us)")
    print(f"    ratio                     {per_event_us / json_us:.2f}x  (goal <= 3x)")
    print(
        f"    breakdown per event       parse {parse_cpu / len(bodies) * 1e6:.1f} us, "
        f"parse + items + batch write (no Powertools) {logic_cpu / len(bodies) * 1e6:.1f} us"
    )
    print(f"(b) DynamoDB requests/event   {writes / len(bodies):.3f}  ({writes} BatchWriteItem; goal <= 0.1)")
    print(f"    DynamoDB reads            {sum(calls.values())}  {calls or ''}(goal 0)")
    print(
        f"(c) cold import, median of 7  {statistics.median(import_cpu):.0f} ms CPU, "
        f"{statistics.median(import_wall):.0f} ms wall (min wall {min(import_wall):.0f}; goal <= 250 ms)"
    )
    print(f"    load average              {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
