"""Persister throughput per unit of Lambda concurrency, the ceiling, the lag, and the knob to turn at scale.

  .venv/bin/python bench/bench_throughput.py [--events 2000] [--dynamodb-latency-ms 8]
      [--invoke-overhead-ms 20] [--default-mails-per-second 14] [--batch-sizes 10,25,100]

Runs sesmail.handlers.persister.handler in-process over generated SES traffic (the cost model's mix)
with a DynamoDB stand-in that really sleeps ``--dynamodb-latency-ms`` per BatchWriteItem, one batch
after another: that is one unit of concurrency. Handler CPU is scaled to the function's CPU share at
its memory size (full vCPU at 1,769 MB); the poller's hand-off per invocation is an assumption
(``--invoke-overhead-ms``). Pipeline settings (batch size, window, concurrency, memory) are read from
terraform/modules/event_pipeline. Numbers, not a test: see docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lambda_src"))

from sesmail.cost.measure import measure_handler  # noqa: E402
from sesmail.cost.pipeline import read_pipeline_defaults  # noqa: E402
from sesmail.cost.throughput import BatchTiming, advise, concurrency_needed, lag_seconds  # noqa: E402
from sesmail.cost.traffic import DEFAULT_MIX, events_per_mail, sqs_bodies  # noqa: E402

MULTIPLES = (1, 10, 100, 1000)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=2000, help="generated SQS records (default 2000)")
    parser.add_argument(
        "--dynamodb-latency-ms", type=float, default=8.0, help="per BatchWriteItem (default 8)"
    )
    parser.add_argument("--invoke-overhead-ms", type=float, default=20.0, help="per invocation (default 20)")
    parser.add_argument(
        "--default-mails-per-second",
        type=float,
        default=14.0,
        help="today's default load: SES's usual starting send rate after production access (default 14)",
    )
    parser.add_argument(
        "--batch-sizes", default="10,25,100", help="batch sizes to measure (default 10,25,100)"
    )
    args = parser.parse_args()

    module = read_pipeline_defaults()
    bodies = [body for _, body in sqs_bodies(args.events)]
    sizes = sorted({int(size) for size in args.batch_sizes.split(",")} | {module.batch_size})
    latency, overhead = args.dynamodb_latency_ms / 1000, args.invoke_overhead_ms / 1000

    print(
        f"events {len(bodies)}, DynamoDB stand-in {args.dynamodb_latency_ms:g} ms per BatchWriteItem (slept),"
    )
    print(f"invoke overhead {args.invoke_overhead_ms:g} ms, memory {module.lambda_memory_mb} MB, window")
    print(
        f"{module.maximum_batching_window_seconds} s, maximum_concurrency {module.maximum_concurrency},"
        f" reserved {module.reserved_concurrency};"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print()
    print(
        f"{'batch':>6}{'invocations':>13}{'requests':>10}{'wall ms/inv':>13}{'cpu ms/inv':>12}"
        f"{'Lambda ms/inv':>15}{'ev/s per conc':>15}{'ceiling':>10}"
    )
    timings: dict[int, BatchTiming] = {}
    wru_per_event = 0.0
    for size in sizes:
        measured = measure_handler(bodies, size, latency_seconds=latency, real_latency=True)
        calls = measured.invocations
        timing = BatchTiming(
            batch_size=size,
            cpu_seconds=sum(c.cpu_seconds for c in calls) / len(calls),
            dynamodb_seconds=sum(c.dynamodb_wait_seconds for c in calls) / len(calls),
            overhead_seconds=overhead,
            memory_mb=module.lambda_memory_mb,
        )
        timings[size] = timing
        wru_per_event = max(measured.table_wru, measured.index_wru) / measured.events
        ceiling = timing.events_per_second_per_concurrency * module.maximum_concurrency
        wall_ms = sum(c.wall_seconds for c in calls) / len(calls) * 1000
        print(
            f"{size:>6}{len(calls):>13}{measured.dynamodb_requests:>10}"
            f"{wall_ms:>13.1f}{timing.cpu_seconds * 1000:>12.2f}"
            f"{timing.duration_seconds * 1000:>15.1f}{timing.events_per_second_per_concurrency:>15.0f}"
            f"{ceiling:>10.0f}"
        )

    default = timings[module.batch_size]
    ceiling = default.events_per_second_per_concurrency * module.maximum_concurrency
    per_mail = events_per_mail(DEFAULT_MIX)
    base_rate = args.default_mails_per_second * per_mail
    window = module.maximum_batching_window_seconds
    print()
    print(
        f"default settings: {default.events_per_second_per_concurrency:.0f} events/s per unit of concurrency,"
        f" ceiling {ceiling:.0f} events/s = {ceiling / per_mail:.0f} mails/s at maximum_concurrency"
        f" {module.maximum_concurrency} ({per_mail:g} events per mail)"
    )
    print()
    print(
        "event-to-queryable lag (worst case: batch fill or window, then one invocation; +SNS->SQS and index"
    )
    print("propagation, typically well under a second each, not included):")
    print(f"{'load':>8}{'events/s':>10}{'lag s':>8}")
    for multiple in MULTIPLES:
        rate = base_rate * multiple
        lag = lag_seconds(rate, default, window_seconds=window, ceiling=ceiling)
        shown = "backlog" if lag is None else f"{lag:.2f}"
        print(f"{multiple:>7}x{rate:>10.0f}{shown:>8}")
    for rate in (0.1, 1.0):
        lag = lag_seconds(rate, default, window_seconds=window, ceiling=ceiling)
        print(f"{'quiet':>8}{rate:>10g}{lag:>8.2f}")
    print()
    print(f"which knob at N x today's default load ({args.default_mails_per_second:g} mails/s):")
    others = ", ".join(f"batch {size}" for size in sizes)
    print(f"(concurrent executions needed with 30 % headroom at {others})")
    for multiple in MULTIPLES:
        advice = advise(
            multiple,
            base_rate * multiple,
            default,
            wru_per_event=wru_per_event,
            maximum_concurrency=module.maximum_concurrency,
            reserved_concurrency=module.reserved_concurrency,
        )
        needed = "/".join(str(concurrency_needed(base_rate * multiple, timings[size])) for size in sizes)
        print(
            f"{multiple:>5}x {advice.events_per_second:>8.0f} ev/s, concurrent {needed:>12},"
            f" {advice.wru_per_second:>7.0f} WRU/s per table and index: " + "; ".join(advice.knobs)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
