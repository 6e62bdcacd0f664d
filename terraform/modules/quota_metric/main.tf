# The true quota metric: every few minutes a Lambda reads sesv2 GetAccount in each region and publishes
# SentLast24Hours / Max24HourSend (recipients over SES's rolling 24 hours) as SendQuotaUsage, dimension
# Region, into that region's CloudWatch. Each region's alarms instance watches its own entry of
# `metrics_by_region` (docs/decisions/0101-quota-metric-and-auto-pause.md).
locals {
  function_name = "${var.name_prefix}-quota-metric"
  regions       = distinct(concat([var.region], var.regions))
  metrics_by_region = {
    for region in local.regions : region => {
      namespace   = var.metric_namespace
      metric_name = "SendQuotaUsage" # sesmail.operations.quota.SEND_QUOTA_USAGE
      dimensions  = { "Region" = region }
    }
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
