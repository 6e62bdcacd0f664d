module "function" {
  source = "../eventbridge_function"

  function_name    = local.function_name
  description      = "Pauses SES configuration sets when a critical reputation alarm fires"
  role_description = "Execution role of ${local.function_name}: pause sending on ${length(local.set_names)} SES configuration sets"
  handler          = "sesmail.handlers.auto_pause.handler"
  environment = {
    AUTO_PAUSE_ALARMS       = jsonencode(var.alarm_configuration_sets)
    POWERTOOLS_SERVICE_NAME = "ses-auto-pause"
  }
  policy          = local.policy
  timeout_seconds = 60

  event_pattern    = local.event_pattern
  rule_description = "Pauses SES configuration sets when a critical bounce- or complaint-rate alarm enters ALARM (auto-pause; resume by hand). Runbook: ${var.runbook_base_url}/ses-bounce-rate.md"
  # Pausing late still helps; EventBridge keeps trying for an hour.
  retry = { maximum_event_age_seconds = 3600, maximum_attempts = 10 }

  account_id           = var.account_id
  region               = var.region
  lambda_zip_path      = var.function.lambda_zip_path
  powertools_layer_arn = var.function.powertools_layer_arn
  reserved_concurrency = var.function.reserved_concurrency
  log_level            = var.function.log_level
  log_retention_days   = var.function.log_retention_days
  tags                 = var.tags
}
