"""The sending metrics' contract: stable names, EMF without dimensions, and the decision that documents
them for the alarms (so a new metric cannot ship undocumented)."""

from __future__ import annotations

import io
import json
import re

import pytest

from conftest import ROOT
from sesmail.sending import metrics
from sesmail.sending.metrics import EmfSink


def documents(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_unbuffered_sink_prints_one_dimensionless_document_per_value() -> None:
    out = io.StringIO()
    sink = EmfSink(stream=out, namespace="SesMailPlatform", clock=lambda: 1_700_000_000.5)
    sink(metrics.FAILOVERS, 1)
    sink(metrics.OUTBOX_AGE_SECONDS, 42.0)
    first, second = documents(out)
    assert first == {
        "_aws": {
            "Timestamp": 1_700_000_000_500,
            "CloudWatchMetrics": [
                {
                    "Namespace": "SesMailPlatform",
                    "Dimensions": [[]],
                    "Metrics": [{"Name": "Failovers", "Unit": "Count"}],
                }
            ],
        },
        "Failovers": 1,
    }
    assert second["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [  # type: ignore[index]
        {"Name": "OutboxAgeSeconds", "Unit": "Seconds"}
    ]


def test_buffered_sink_prints_one_document_per_flush_with_every_value() -> None:
    out = io.StringIO()
    sink = EmfSink(stream=out, buffered=True)
    sink.flush()
    assert out.getvalue() == ""  # nothing to say: no empty document
    for age in (5.0, 900.0):
        sink(metrics.OUTBOX_AGE_SECONDS, age)
    sink(metrics.REPLAY_SENT, 1)
    assert out.getvalue() == ""
    sink.flush()
    (document,) = documents(out)
    assert document["OutboxAgeSeconds"] == [5.0, 900.0] and document["ReplaySent"] == 1
    sink.flush()
    assert len(documents(out)) == 1


def test_the_namespace_follows_the_powertools_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Other")
    assert EmfSink().namespace == "Other"
    monkeypatch.delenv("POWERTOOLS_METRICS_NAMESPACE")
    assert EmfSink().namespace == metrics.NAMESPACE == "SesMailPlatform"


def test_every_metric_name_is_unique_and_documented_for_the_alarms() -> None:
    assert len(set(metrics.ALL)) == len(metrics.ALL)
    decision = (ROOT / "docs/decisions/0070-sending-failover.md").read_text()
    table = decision.split("## Metrics for alarms", 1)[1]
    documented = set(re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE))
    assert documented == set(metrics.ALL)
