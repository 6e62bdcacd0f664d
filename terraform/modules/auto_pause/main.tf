# Opt-in auto-pause: when one of the given critical reputation alarms enters ALARM, EventBridge invokes a
# Lambda that pauses the configuration sets mapped to that alarm (never the account, never a resume).
# An environment creates this module only when it chooses to (docs/decisions/0101-quota-metric-and-auto-pause.md).
locals {
  function_name = "${var.name_prefix}-auto-pause"
  set_names     = sort(distinct(flatten(values(var.alarm_configuration_sets))))

  event_pattern = {
    source        = ["aws.cloudwatch"]
    "detail-type" = ["CloudWatch Alarm State Change"]
    detail = {
      alarmName = sort(keys(var.alarm_configuration_sets))
      state     = { value = ["ALARM"] }
    }
  }

  policy = {
    Version = "2012-10-17"
    Statement = [{
      # Exactly the sets the alarms map to; reading first keeps retries idempotent.
      Sid      = "PauseMappedConfigurationSets"
      Effect   = "Allow"
      Action   = ["ses:GetConfigurationSet", "ses:PutConfigurationSetSendingOptions"]
      Resource = [for name in local.set_names : "arn:aws:ses:${var.region}:${var.account_id}:configuration-set/${name}"]
    }]
  }
}
