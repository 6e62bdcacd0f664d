# Alarms of decision 0070 ("Metrics for alarms"): the library's metrics have no dimensions, so one
# alarm per metric covers the replay worker and every sending service. Missing data is notBreaching
# everywhere: no mail, no failover.
locals {
  alarm_prefix = "${var.name_prefix}-outbox"
}

resource "aws_cloudwatch_metric_alarm" "failover_active" {
  alarm_name          = "${local.alarm_prefix}-failover-active"
  alarm_description   = "WARNING: mail is being sent by the standby region (Failovers >= 1 in 2 of 3 five-minute periods). Runbook: ${var.runbook_base_url}/outbox-failover-active.md"
  namespace           = "SesMailPlatform"
  metric_name         = "Failovers"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions_by_severity.warning
  ok_actions          = var.alarm_actions_by_severity.warning
  tags                = merge(var.tags, { Severity = "warning" })
}

# Depth = visible + delayed (a re-enqueued mail waits delayed) + in flight, held for not_draining_minutes:
# when the worker does not run at all, OutboxAgeSeconds has no data and only the depth shows it.
resource "aws_cloudwatch_metric_alarm" "not_draining" {
  alarm_name          = "${local.alarm_prefix}-not-draining"
  alarm_description   = "CRITICAL: ${local.queue_name} has held mail for ${var.not_draining_minutes} minutes (visible + delayed + in flight). Runbook: ${var.runbook_base_url}/outbox-not-draining.md"
  evaluation_periods  = var.not_draining_minutes / 5
  datapoints_to_alarm = var.not_draining_minutes / 5
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions_by_severity.critical
  ok_actions          = var.alarm_actions_by_severity.critical
  tags                = merge(var.tags, { Severity = "critical" })

  metric_query {
    id          = "depth"
    expression  = "visible + delayed + inflight"
    label       = "Outbox depth"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = {
      visible  = "ApproximateNumberOfMessagesVisible"
      delayed  = "ApproximateNumberOfMessagesDelayed"
      inflight = "ApproximateNumberOfMessagesNotVisible"
    }
    content {
      id = metric_query.key
      metric {
        namespace   = "AWS/SQS"
        metric_name = metric_query.value
        dimensions  = { QueueName = local.queue_name }
        stat        = "Maximum"
        period      = 300
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.not_draining_minutes % 5 == 0 && var.not_draining_minutes >= 15
      error_message = "not_draining_minutes must be a multiple of 5, at least 15."
    }
  }
}

# SQS's ApproximateAgeOfOldestMessage resets at every re-enqueue; OutboxAgeSeconds is measured from the
# mail's first failure.
resource "aws_cloudwatch_metric_alarm" "outbox_age" {
  alarm_name          = "${local.alarm_prefix}-age"
  alarm_description   = "CRITICAL: a replayed mail first failed ${var.outbox_age_threshold_seconds} s or more ago (OutboxAgeSeconds maximum over 15 minutes). Runbook: ${var.runbook_base_url}/outbox-not-draining.md"
  namespace           = "SesMailPlatform"
  metric_name         = "OutboxAgeSeconds"
  statistic           = "Maximum"
  period              = 900
  evaluation_periods  = 1
  threshold           = var.outbox_age_threshold_seconds
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions_by_severity.critical
  ok_actions          = var.alarm_actions_by_severity.critical
  tags                = merge(var.tags, { Severity = "critical" })
}

# Parked mail and crashed-on mail both wait for a person; they keep firing until someone empties the queue.
resource "aws_cloudwatch_metric_alarm" "needs_a_person" {
  for_each = {
    parked = { queue = local.parked_name, what = "parked mail (ambiguous, expired, rejected or malformed)" }
    dlq    = { queue = local.dlq_name, what = "mail the replay function crashed on" }
  }

  alarm_name          = "${each.value.queue}-not-empty"
  alarm_description   = "CRITICAL: ${each.value.queue} holds ${each.value.what}; it needs a person. Runbook: ${var.runbook_base_url}/outbox-parked-not-empty.md"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value.queue }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions_by_severity.critical
  ok_actions          = var.alarm_actions_by_severity.critical
  tags                = merge(var.tags, { Severity = "critical" })
}
