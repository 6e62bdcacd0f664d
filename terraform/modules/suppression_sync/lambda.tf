module "function" {
  source = "../eventbridge_function"

  function_name    = local.function_name
  description      = "Copies the ${var.region} SES suppression list into ${var.target_region} (add and update only)"
  role_description = "Execution role of ${local.function_name}: list the suppression lists of ${var.region} and ${var.target_region}, write ${var.target_region}'s"
  handler          = "sesmail.handlers.suppression_sync.handler"
  environment = {
    SUPPRESSION_SYNC_SOURCE_REGION = var.region
    SUPPRESSION_SYNC_TARGET_REGION = var.target_region
    SUPPRESSION_SYNC_RATE          = tostring(var.rate)
    POWERTOOLS_SERVICE_NAME        = "ses-suppression-sync"
    POWERTOOLS_METRICS_NAMESPACE   = var.metric_namespace
  }
  policy = local.policy
  # The handler stops writing 30 s before this; a long first sync converges over several runs.
  timeout_seconds = 900

  schedule_expression = var.schedule_expression
  rule_description    = "Copies the ${var.region} suppression list to the standby ${var.target_region} ${var.schedule_expression}. Runbook: ${var.runbook_base_url}/outbox-failover-active.md"
  # The plan is recomputed every run: a retry would only repeat what the next scheduled run does.
  retry = { maximum_event_age_seconds = 300, maximum_attempts = 0 }

  account_id           = var.account_id
  region               = var.region
  lambda_zip_path      = var.function.lambda_zip_path
  powertools_layer_arn = var.function.powertools_layer_arn
  reserved_concurrency = var.function.reserved_concurrency
  log_level            = var.function.log_level
  log_retention_days   = var.function.log_retention_days
  tags                 = var.tags
}
