# The true quota metric: every few minutes a Lambda reads sesv2 GetAccount and publishes
# SentLast24Hours / Max24HourSend (recipients over SES's rolling 24 hours) as SendQuotaUsage, dimension
# Region. The alarms module watches it through the `metric` output (docs/decisions/0101-quota-metric-and-auto-pause.md).
locals {
  function_name = "${var.name_prefix}-quota-metric"
  metric = {
    namespace   = var.metric_namespace
    metric_name = "SendQuotaUsage" # sesmail.operations.quota.SEND_QUOTA_USAGE
    dimensions  = { "Region" = var.region }
  }

  policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # GetAccount reads the account as a whole: no resource type exists to name.
        Sid      = "ReadSendQuota"
        Effect   = "Allow"
        Action   = ["ses:GetAccount"]
        Resource = "*"
      },
      {
        Sid       = "PublishQuotaMetric"
        Effect    = "Allow"
        Action    = ["cloudwatch:PutMetricData"]
        Resource  = "*"
        Condition = { StringEquals = { "cloudwatch:namespace" = var.metric_namespace } }
      },
    ]
  }
}
