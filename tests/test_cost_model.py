"""Cost model: item-size rules, generated traffic, figures derived from measured counts, the CLI contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from sesmail.cost.measure import Measurement, index_entry_size, item_size, value_size, write_units
from sesmail.cost.model import Assumptions, design_cost
from sesmail.cost.pipeline import ModuleReadError, read_pipeline_defaults
from sesmail.cost.prices import PriceError, load_prices
from sesmail.cost.throughput import BatchTiming, advise, lag_seconds
from sesmail.cost.traffic import DEFAULT_MIX, event_types, sqs_bodies
from sesmail.events.parse import parse_sqs_body

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "600"


def run_script(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lambda_src")}
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts/cost_model.py"), *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )


@cache
def report_json(*argv: str) -> dict[str, Any]:
    result = run_script("--format", "json", "--sample-events", SAMPLE, *argv)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def line(design: dict[str, Any], service: str, what_starts: str) -> dict[str, Any]:
    matches = [x for x in design["lines"] if x["service"] == service and x["what"].startswith(what_starts)]
    assert len(matches) == 1, design["lines"]
    return matches[0]


# --- DynamoDB size rules -------------------------------------------------------------------------


def test_value_sizes_follow_dynamodb_rules() -> None:
    assert value_size({"S": "héllo"}) == 6  # UTF-8 bytes
    assert value_size({"N": "1735689600"}) == 4 + 1  # 8 significant digits (zeros trimmed): 4 bytes + 1
    assert value_size({"N": "-0.0500"}) == 1 + 1
    # map: 3 bytes + per element (name + value + 1)
    assert value_size({"M": {"ab": {"S": "xyz"}}}) == 3 + (2 + 3 + 1)
    with pytest.raises(ValueError, match="unknown DynamoDB attribute type"):
        value_size({"Q": "?"})


def test_item_size_index_entry_and_write_units() -> None:
    item = {"pk": {"S": "MSG#1"}, "sk": {"S": "EVT#x"}, "recipient": {"S": "a@b.c"}, "event_at": {"S": "t"}}
    item["source"] = {"S": "s" * 2000}  # not projected into the index
    assert item_size(item) == (2 + 5) + (2 + 5) + (9 + 5) + (8 + 1) + (6 + 2000)
    assert index_entry_size(item) == item_size(item) - (6 + 2000)
    assert write_units(item_size(item)) == 2  # 2,043 bytes: every started KB is a unit
    assert write_units(1024) == 1
    assert write_units(1025) == 2
    del item["recipient"]
    assert index_entry_size(item) is None  # sparse index: no index write


# --- generated traffic ---------------------------------------------------------------------------


def test_generated_traffic_follows_the_mix_and_parses_with_the_real_parser() -> None:
    types = event_types(10_000, DEFAULT_MIX)
    total = sum(DEFAULT_MIX.values())
    for event_type, share in DEFAULT_MIX.items():
        assert abs(types.count(event_type) - 10_000 * share / total) <= 1
    for event_type, body in sqs_bodies(300):
        (event,) = parse_sqs_body(body)
        assert event.event_type == event_type


# --- the model is driven by measured counts -------------------------------------------------------


def test_each_cost_line_scales_with_its_measured_count() -> None:
    prices = load_prices("us-east-1")
    measurement = Measurement(
        events=1000, batch_size=10, invocations=(), items=1000, dynamodb_requests=100, table_wru=1000,
        index_wru=1000, table_bytes=500_000, index_bytes=400_000, dynamodb_other_calls=0,
        publish_chunks=1000, receive_requests=100, delete_requests=100, log_bytes=10_000, log_lines=100,
        metric_names=("EventsStored",), failed_records=0,
    )  # fmt: skip
    base = design_cost("x", measurement, 2.0, prices, Assumptions())
    doubled = design_cost("x", replace(measurement, table_wru=2000), 2.0, prices, Assumptions())
    table_line = next(x for x in base.lines if x.what == "table writes")
    assert table_line.quantity == pytest.approx(2000)  # 1,000 WRU per 1,000 events, 2 events per mail
    assert table_line.cost == pytest.approx(2000 * 0.625e-6)
    assert doubled.total - base.total == pytest.approx(table_line.cost)


def test_batch_size_changes_the_figure_through_measured_invocations() -> None:
    # GIVEN the same traffic at two batch sizes
    at_25, at_5 = report_json("--batch-size", "25"), report_json("--batch-size", "5")
    # THEN the measured invocations follow the batch size, and the priced quantity is that count
    assert at_25["measured"]["invocations"] == 600 / 25
    assert at_5["measured"]["invocations"] == 600 / 5
    per_1000 = 1000 * at_25["events_per_mail"] / 600
    for report in (at_25, at_5):
        invocations = line(report["pipeline"], "Lambda", "invocations")
        assert invocations["quantity"] == pytest.approx(report["measured"]["invocations"] * per_1000)
        receives = line(report["pipeline"], "SQS", "ReceiveMessage")
        assert receives["quantity"] == pytest.approx(report["measured"]["sqs_receive_requests"] * per_1000)
    # AND the total moves with it, while per-event lines do not
    assert at_5["pipeline"]["total_per_1000_mails"] > at_25["pipeline"]["total_per_1000_mails"]
    assert line(at_5["pipeline"], "DynamoDB", "table writes") == line(
        at_25["pipeline"], "DynamoDB", "table writes"
    )


def test_events_per_mail_scales_every_variable_line() -> None:
    default, doubled = report_json(), report_json("--events-per-mail", str(2 * sum(DEFAULT_MIX.values())))
    sns = line(default["pipeline"], "SNS", "publishes")
    assert line(doubled["pipeline"], "SNS", "publishes")["cost"] == pytest.approx(2 * sns["cost"])


def test_levers_change_their_own_lines() -> None:
    default = report_json()
    lean = report_json(
        "--event-types", "Delivery,Bounce,Complaint", "--tracing", "off", "--retention-days", "30"
    )
    assert lean["events_per_mail"] == pytest.approx(0.97 + 0.02 + 0.0005)
    assert lean["mix"] == {"Delivery": 0.97, "Bounce": 0.02, "Complaint": 0.0005}
    assert line(lean["pipeline"], "X-Ray", "traces")["cost"] == 0
    storage = line(default["pipeline"], "DynamoDB", "storage")
    assert storage["what"] == "storage for 90 days, table + index"
    assert line(lean["pipeline"], "DynamoDB", "storage")["what"] == "storage for 30 days, table + index"
    assert lean["pipeline"]["total_per_1000_mails"] < default["pipeline"]["total_per_1000_mails"] / 2


def test_json_shape() -> None:
    report = report_json("--region", "us-east-1")
    assert report["region"] == "us-east-1"
    assert report["prices_as_of"] == "2026-11-29"
    assert report["ses_per_1000_mails"] == 0.10
    assert report["goal_per_1000_mails"] == 0.003
    assert isinstance(report["goal_met"], bool)
    assert report["goal_met"] == (report["pipeline"]["total_per_1000_mails"] <= 0.003)
    for design in ("pipeline", "baseline"):
        assert set(report[design]) == {
            "design",
            "batch_size",
            "lines",
            "total_per_1000_mails",
            "share_of_ses",
        }
        for entry in report[design]["lines"]:
            assert set(entry) == {"service", "what", "quantity", "unit", "unit_price", "cost"}
        services = {entry["service"] for entry in report[design]["lines"]}
        assert services == {"SNS", "SQS", "Lambda", "DynamoDB", "CloudWatch", "X-Ray"}
        assert report[design]["total_per_1000_mails"] == pytest.approx(
            sum(entry["cost"] for entry in report[design]["lines"])
        )
    assert report["baseline"]["batch_size"] == 1
    assert report["measured"]["dynamodb_reads"] == 0
    assert report["measured"]["failed_records"] == 0
    assert {entry["service"] for entry in report["fixed_monthly"]["lines"]} == {"KMS", "SQS", "CloudWatch"}
    # the baseline pays one invocation, receive and delete per event
    assert line(report["baseline"], "Lambda", "invocations")["quantity"] == pytest.approx(
        line(report["baseline"], "SNS", "publishes")["quantity"]
    )


def test_table_output_sets_the_designs_side_by_side() -> None:
    result = run_script("--sample-events", SAMPLE)
    assert result.returncode == 0, result.stderr
    assert "this pipeline" in result.stdout
    assert "batch 1 design" in result.stdout
    assert "share of SES price" in result.stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--batch-size", "0"], "argument --batch-size: must be between 1 and 10000"),
        (["--batch-size", "ten"], "argument --batch-size: not a number: 'ten'"),
        (["--events-per-mail", "-1"], "argument --events-per-mail: must be between 0.01 and 100"),
        (["--region", "mars-north-1"], "no prices for region 'mars-north-1'"),
        (["--format", "xml"], "invalid choice: 'xml'"),
        (["--event-types", "Delivery,Bogus"], "--event-types takes names from Send"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv: list[str], message: str) -> None:
    result = run_script(*argv)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_help_documents_the_exit_codes() -> None:
    result = run_script("--help")
    assert result.returncode == 0
    assert "exit codes (the same in every scripts/*.py" in result.stdout
    assert "2  usage error" in result.stdout and "price table" in result.stdout


# --- inputs: the module's defaults and the price table --------------------------------------------


def test_defaults_come_from_the_terraform_module(tmp_path: Path) -> None:
    defaults = read_pipeline_defaults()
    assert (defaults.batch_size, defaults.maximum_concurrency, defaults.sqs_data_key_reuse_seconds) == (
        25,
        5,
        300,
    )
    with pytest.raises(ModuleReadError, match="cannot read"):
        read_pipeline_defaults(tmp_path)


def test_price_table_has_every_price_for_each_region_with_a_source() -> None:
    for region in ("us-east-1", "eu-west-1"):
        prices = load_prices(region)
        assert set(prices.per_unit) == set(prices.sources)
        assert all(value >= 0 for value in prices.per_unit.values())
    with pytest.raises(PriceError, match="known: eu-west-1, us-east-1"):
        load_prices("ap-south-2")


# --- throughput arithmetic -------------------------------------------------------------------------


def timing(batch_size: int = 25) -> BatchTiming:
    # 2 ms CPU on a full core at 256 MB is ~13.8 ms on Lambda, plus 8 ms DynamoDB
    return BatchTiming(batch_size, 0.002, 0.008, 0.020, 256)


def test_lambda_duration_scales_cpu_to_the_memory_share() -> None:
    assert timing().duration_seconds == pytest.approx(0.002 * 1769 / 256 + 0.008)
    assert BatchTiming(25, 0.002, 0.008, 0.02, 3008).duration_seconds == pytest.approx(0.010)
    assert timing().events_per_second_per_concurrency == pytest.approx(25 / (0.002 * 1769 / 256 + 0.028))


def test_lag_is_the_window_when_quiet_the_fill_time_when_busy_and_none_past_the_ceiling() -> None:
    t = timing()
    tail = t.duration_seconds + t.overhead_seconds
    assert lag_seconds(1, t, window_seconds=5, ceiling=1000) == pytest.approx(5 + tail)
    assert lag_seconds(250, t, window_seconds=5, ceiling=1000) == pytest.approx(
        25 * 5 / 250 + tail
    )  # 5 pollers
    assert lag_seconds(1000, t, window_seconds=5, ceiling=1000) is None


def test_advice_names_the_knob_for_the_load() -> None:
    t = timing()
    rate = t.events_per_second_per_concurrency
    limits = {"wru_per_event": 1.0, "maximum_concurrency": 5, "reserved_concurrency": 10}
    assert advise(1, rate, t, **limits).knobs == ("none: 2 of maximum_concurrency 5 needed",)
    busy = advise(100, rate * 20, t, **limits)
    assert busy.concurrency_needed == 26
    assert busy.knobs[:2] == ("maximum_concurrency -> 26", "reserved_concurrency -> 28")
    assert any("SNS Publish" in knob for knob in busy.knobs)
    assert any("warm throughput" in knob for knob in advise(1000, 5000, t, **limits).knobs)
    assert any("per-table quota" in knob for knob in advise(1000, 50_000, t, **limits).knobs)
