"""The event pipeline's settings that drive cost and throughput, read from the Terraform module itself.

Defaults come from ``terraform/modules/event_pipeline/variables.tf`` and the SQS data-key reuse period
from its ``main.tf``, so the model follows the module when a default changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

MODULE_DIR: Final = Path(__file__).resolve().parents[3] / "terraform" / "modules" / "event_pipeline"


class ModuleReadError(ValueError):
    """The Terraform module is missing or no longer declares a setting the model needs."""


@dataclass(frozen=True, slots=True)
class PipelineDefaults:
    batch_size: int
    maximum_batching_window_seconds: int
    maximum_concurrency: int
    reserved_concurrency: int
    lambda_memory_mb: int
    lambda_timeout_seconds: int
    event_retention_days: int
    sqs_data_key_reuse_seconds: int


def _variable_default(text: str, name: str) -> int:
    match = re.search(rf'variable "{name}" \{{.*?\n\s*default\s*=\s*(\d+)', text, re.DOTALL)
    if match is None:
        raise ModuleReadError(f"variables.tf declares no numeric default for {name}")
    return int(match.group(1))


def read_pipeline_defaults(module_dir: Path = MODULE_DIR) -> PipelineDefaults:
    try:
        variables = (module_dir / "variables.tf").read_text()
        main = (module_dir / "main.tf").read_text()
    except OSError as error:
        raise ModuleReadError(f"cannot read the event_pipeline module: {error}") from None
    reuse = sorted({int(v) for v in re.findall(r"kms_data_key_reuse_period_seconds\s*=\s*(\d+)", main)})
    if not reuse:
        raise ModuleReadError("main.tf sets no kms_data_key_reuse_period_seconds on the queues")
    names = [
        "batch_size",
        "maximum_batching_window_seconds",
        "maximum_concurrency",
        "reserved_concurrency",
        "lambda_memory_mb",
        "lambda_timeout_seconds",
        "event_retention_days",
    ]
    values = {name: _variable_default(variables, name) for name in names}
    return PipelineDefaults(**values, sqs_data_key_reuse_seconds=reuse[0])
