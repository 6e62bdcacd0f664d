# Opt-in auto-pause: when one of the given critical reputation alarms enters ALARM, EventBridge invokes a
# Lambda that pauses the configuration sets mapped to that alarm (never the account, never a resume).
# An environment creates this module only when it chooses to (docs/decisions/0101-quota-metric-and-auto-pause.md).
locals {
  function_name = "${var.name_prefix}-auto-pause"
  rule_name     = "${var.name_prefix}-auto-pause"
  set_names     = sort(distinct(flatten(values(var.alarm_configuration_sets))))
  set_arns      = [for name in local.set_names : "arn:aws:ses:${var.region}:${var.account_id}:configuration-set/${name}"]
}

module "base" {
  source = "../function_base"

  function_name      = local.function_name
  role_description   = "Execution role of ${local.function_name}: pause sending on ${length(local.set_names)} SES configuration sets"
  account_id         = var.account_id
  region             = var.region
  log_retention_days = var.log_retention_days
  tags               = var.tags
}

resource "aws_cloudwatch_event_rule" "this" {
  name        = local.rule_name
  description = "Pauses SES configuration sets when a critical bounce- or complaint-rate alarm enters ALARM (auto-pause; resume by hand). Runbook: ${var.runbook_base_url}/ses-bounce-rate.md"
  event_pattern = jsonencode({
    source        = ["aws.cloudwatch"]
    "detail-type" = ["CloudWatch Alarm State Change"]
    detail = {
      alarmName = sort(keys(var.alarm_configuration_sets))
      state     = { value = ["ALARM"] }
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "auto-pause"
  arn       = aws_lambda_function.this.arn

  # Pausing late still helps; EventBridge keeps trying for an hour.
  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 10
  }
}

resource "aws_lambda_permission" "rule" {
  statement_id  = "AllowAlarmRuleInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}
