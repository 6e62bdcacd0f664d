"""Auto-pause Lambda: a critical reputation alarm entering ALARM pauses its configuration sets.

Handler setting ``sesmail.handlers.auto_pause.handler``, the target of an EventBridge rule on
``CloudWatch Alarm State Change`` for the alarms named in ``AUTO_PAUSE_ALARMS``
(``terraform/modules/auto_pause``, off unless an environment enables it). Pauses configuration sets,
never the account, and never resumes anything: resuming is ``scripts/sending.py resume`` after the
runbook's checks. Idempotent: a set already paused is left alone, so EventBridge's retries are safe.
"""

from __future__ import annotations

from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from sesmail.aws.calls import client_config
from sesmail.handlers.observability import MaskingFormatter
from sesmail.handlers.settings import load_auto_pause_settings
from sesmail.operations.aws import apply_sending_change, configuration_set_states
from sesmail.operations.pause import parse_alarm_state_change, plan_sending, sets_to_pause

settings = load_auto_pause_settings()
logger = Logger(logger_formatter=MaskingFormatter())
sesv2 = boto3.client("sesv2", config=client_config())


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    change = parse_alarm_state_change(event)
    names = sets_to_pause(change, settings.alarm_sets)
    if not names:
        logger.info("alarm change needs no pause", extra={"alarm": change.alarm_name, "state": change.state})
        return {"alarm": change.alarm_name, "paused": [], "already_paused": []}
    states = configuration_set_states(sesv2, names)
    changes = plan_sending(states, sending_enabled=False)
    paused: list[str] = []
    for pause in changes:
        apply_sending_change(sesv2, pause)
        paused.append(pause.name)
    already = sorted(set(names) - set(paused))
    # WARNING, not INFO: this stops mail; the log line is what the runbook tells on-call to find.
    logger.warning(
        "configuration sets paused by alarm",
        extra={
            "alarm": change.alarm_name,
            "reason": change.reason,
            "paused": paused,
            "already_paused": already,
        },
    )
    return {"alarm": change.alarm_name, "paused": paused, "already_paused": already}
