#!/usr/bin/env python3
"""Benchmark scripts/audit_suppression.py end to end (argument parsing -> report file).

Two scenarios, each in a fresh child process so peak RSS belongs to that scenario alone:

- ``unlimited``: 100,000 suppressed entries (100 pages of 1,000) from an in-memory sesv2 stand-in, no
  rate limit (``--rate 1e9``), evidence lookups stubbed (no I/O) but still run through the worker pool.
  Goals: wall time < 10 s, peak RSS < 200 MB.
- ``limited``: 15 pages at the default 1 request/s. Goal: run time within 10 % of the floor. With a
  token bucket of burst 1 the first request is free, so the floor is (pages - 1) / rate; pages / rate
  is printed too.

Usage: .venv/bin/python bench/bench_audit_suppression.py [--entries N] [--limited-pages N] [--format F]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import timeit
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import audit_suppression as cli  # noqa: E402
from sesmail.suppression.api import AwsClients  # noqa: E402
from sesmail.suppression.domain import Evidence  # noqa: E402

NOW = datetime(2026, 11, 28, tzinfo=UTC)
PAGE_SIZE = 1000
# botocore hands the script datetimes; build a spread of them once so the stand-in costs little.
LISTED_AT = [NOW - timedelta(days=day, seconds=day * 37) for day in range(731)]


class SesV2StandIn:
    """Serves ``total`` suppressed entries in pages, generated on the fly (the real API's shapes)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.calls = 0

    def list_suppressed_destinations(self, **params: Any) -> dict[str, Any]:
        self.calls += 1
        start = int(params.get("NextToken", "0"))
        end = min(self.total, start + int(params["PageSize"]))
        response: dict[str, Any] = {
            "SuppressedDestinationSummaries": [
                {
                    "EmailAddress": f"user{n:06d}@example.com",
                    "Reason": "COMPLAINT" if n % 10 == 0 else "BOUNCE",
                    "LastUpdateTime": LISTED_AT[n % len(LISTED_AT)],
                }
                for n in range(start, end)
            ]
        }
        if end < self.total:
            response["NextToken"] = str(end)
        return response


def stub_evidence(address: str, listed_at: datetime | None) -> Evidence | None:
    """Deterministic mix: ~20 % nothing stored, the rest hard/soft bounces with a diagnostic code."""
    bucket = zlib.crc32(address.encode()) % 10
    if bucket < 2:
        return None
    soft = bucket < 5
    return Evidence(
        event_type="Bounce",
        event_at=NOW - timedelta(days=bucket),
        message_id=f"0100018c-{bucket:04d}-0000-0000-000000000000-000000",
        bounce_type="Transient" if soft else "Permanent",
        bounce_subtype="MailboxFull" if soft else "General",
        status_code="4.2.2" if soft else "5.1.1",
        diagnostic_code="smtp; 452 4.2.2 mailbox full" if soft else "smtp; 550 5.1.1 user unknown",
    )


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def run_scenario(entries: int, rate: str, output_format: str) -> dict[str, Any]:
    sesv2 = SesV2StandIn(entries)
    clients = AwsClients(cast(Any, sesv2), cast(Any, None), cast(Any, None))
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / f"report.{output_format}"
        runtime = cli.Runtime(
            clients=lambda region: clients,
            evidence_lookup=lambda region, table: stub_evidence,
            now=lambda: NOW,
            stdin_is_tty=lambda: False,
        )
        argv = [
            "list",
            "--table",
            "bench",
            "--rate",
            rate,
            "--page-size",
            str(PAGE_SIZE),
            "--format",
            output_format,
            "--output",
            str(output),
        ]
        rss_before = rss_kb("VmRSS")
        started, cpu_started = time.perf_counter(), time.process_time()
        code = cli.main(argv, runtime)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        return {
            "exit_code": code,
            "entries": entries,
            "pages": sesv2.calls,
            "seconds": round(elapsed, 3),
            "cpu_seconds": round(cpu, 3),
            "rss_before_mb": round(rss_before / 1024, 1),
            "peak_rss_mb": round(rss_kb("VmHWM") / 1024, 1),
            "report_bytes": output.stat().st_size,
        }


def child(args: argparse.Namespace) -> dict[str, Any]:
    """Run one scenario in a fresh interpreter (peak RSS is per process)."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        args.child_scenario,
        "--entries",
        str(args.entries),
        "--limited-pages",
        str(args.limited_pages),
        "--format",
        args.format,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return cast(dict[str, Any], json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--limited-pages", type=int, default=15)
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--child", choices=("unlimited", "limited"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "unlimited":
        print(json.dumps(run_scenario(args.entries, "1e9", args.format)))
        return
    if args.child == "limited":
        print(json.dumps(run_scenario(args.limited_pages * PAGE_SIZE, "1", args.format)))
        return

    load = Path("/proc/loadavg").read_text().split()[0]
    # A machine-speed yardstick printed with the results: wall times only compare at similar values.
    yardstick = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load average {load}, sum(range(1000)) = {yardstick:.1f} us"
    )
    args.child_scenario = "unlimited"
    unlimited = child(args)
    print(
        f"unlimited: {unlimited['entries']} entries, {unlimited['pages']} pages, format {args.format}: "
        f"{unlimited['seconds']:.2f} s wall (goal < 10 s), {unlimited['cpu_seconds']:.2f} s CPU, "
        f"peak RSS {unlimited['peak_rss_mb']} MB (goal < 200 MB; {unlimited['rss_before_mb']} MB after "
        f"imports), exit {unlimited['exit_code']}"
    )
    args.child_scenario = "limited"
    limited = child(args)
    pages = limited["pages"]
    floor = pages - 1  # seconds at 1 request/s, first request free
    print(
        f"limited:   {limited['entries']} entries, {pages} pages at 1 request/s: {limited['seconds']:.2f} s; "
        f"floor (pages-1)/rate = {floor} s -> {100 * (limited['seconds'] / floor - 1):+.1f} %; "
        f"pages/rate = {pages} s -> {100 * (limited['seconds'] / pages - 1):+.1f} % (goal within 10 %)"
    )


if __name__ == "__main__":
    main()
