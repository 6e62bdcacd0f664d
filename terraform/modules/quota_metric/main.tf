# The true quota metric: every few minutes a Lambda reads sesv2 GetAccount and publishes
# SentLast24Hours / Max24HourSend (recipients over SES's rolling 24 hours) as SendQuotaUsage, dimension
# Region. The alarms module watches it through the `metric` output (docs/decisions/0101-quota-metric-and-auto-pause.md).
locals {
  function_name = "${var.name_prefix}-quota-metric"
  rule_name     = "${var.name_prefix}-quota-metric"
  metric = {
    namespace   = var.metric_namespace
    metric_name = "SendQuotaUsage" # sesmail.operations.quota.SEND_QUOTA_USAGE
    dimensions  = { "Region" = var.region }
  }
}

module "base" {
  source = "../function_base"

  function_name      = local.function_name
  role_description   = "Execution role of ${local.function_name}: read the SES account quota, publish it to ${var.metric_namespace}"
  account_id         = var.account_id
  region             = var.region
  log_retention_days = var.log_retention_days
  tags               = var.tags
}

resource "aws_cloudwatch_event_rule" "this" {
  name                = local.rule_name
  description         = "Publishes the SES 24-hour quota usage ${var.schedule_expression}. Runbook: ${var.runbook_base_url}/ses-daily-send-quota.md"
  schedule_expression = var.schedule_expression
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "quota-metric"
  arn       = aws_lambda_function.this.arn

  # A stale reading is useless: the next scheduled run replaces a failed one.
  retry_policy {
    maximum_event_age_in_seconds = 300
    maximum_retry_attempts       = 1
  }
}

resource "aws_lambda_permission" "schedule" {
  statement_id  = "AllowScheduleInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}
