module "function" {
  source = "../eventbridge_function"

  function_name    = local.function_name
  description      = "Publishes SES SentLast24Hours / Max24HourSend as ${var.metric_namespace} SendQuotaUsage"
  role_description = "Execution role of ${local.function_name}: read the SES account quota, publish it to ${var.metric_namespace}"
  handler          = "sesmail.handlers.quota_metric.handler"
  environment = {
    SEND_QUOTA_METRIC_NAMESPACE = var.metric_namespace
    SEND_QUOTA_REGIONS          = join(",", local.regions)
    POWERTOOLS_SERVICE_NAME     = "ses-quota-metric"
  }
  policy = local.policy

  schedule_expression = var.schedule_expression
  rule_description    = "Publishes the SES 24-hour quota usage ${var.schedule_expression}. Runbook: ${var.runbook_base_url}/ses-daily-send-quota.md"
  # A stale reading is useless: the next scheduled run replaces a failed one.
  retry = { maximum_event_age_seconds = 300, maximum_attempts = 1 }

  account_id           = var.account_id
  region               = var.region
  lambda_zip_path      = var.function.lambda_zip_path
  powertools_layer_arn = var.function.powertools_layer_arn
  reserved_concurrency = var.function.reserved_concurrency
  log_level            = var.function.log_level
  log_retention_days   = var.function.log_retention_days
  tags                 = var.tags
}
