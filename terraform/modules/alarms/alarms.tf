# Every CloudWatch alarm, as data: one map entry per alarm, one resource block for all of them.
# Each description ends with "Runbook: <runbook_base_url>/<runbook>.md"; tests check those files exist
# and that every runbook file is named by some alarm.
locals {
  ses_reputation_scopes = merge(
    { "account" = {} },
    { for name in var.configuration_set_names : "cs-${name}" => { "ses:configuration-set" = name } },
  )

  # Levels per reputation metric. Missing data: "ignore" (AWS's own example). SES publishes the rates
  # only when it has enough recent volume; a quiet hour must neither clear a breach (notBreaching)
  # nor page as INSUFFICIENT_DATA (missing) - the alarm keeps its last state.
  reputation_levels = {
    "bounce-rate" = {
      metric = "Reputation.BounceRate"
      levels = { warning = var.bounce_rate_warning, critical = var.bounce_rate_critical }
      what   = "bounce rate"
      review = "5 %"
    }
    "complaint-rate" = {
      metric = "Reputation.ComplaintRate"
      levels = { warning = var.complaint_rate_warning, critical = var.complaint_rate_critical }
      what   = "complaint rate"
      review = "0.1 %"
    }
  }

  reputation_alarms = merge([
    for scope, dimensions in local.ses_reputation_scopes : merge([
      for kind, spec in local.reputation_levels : {
        for level, threshold in spec.levels : "ses-${scope}-${kind}-${level}" => {
          namespace          = "AWS/SES"
          metric_name        = spec.metric
          dimensions         = dimensions
          statistic          = "Maximum"
          period             = 3600
          evaluation_periods = 1
          datapoints         = 1
          threshold          = threshold
          comparison         = "GreaterThanOrEqualToThreshold"
          treat_missing_data = "ignore"
          runbook            = "ses-${kind}"
          summary            = "${upper(level)}: SES ${spec.what} (${scope == "account" ? "whole account" : "configuration set ${dimensions["ses:configuration-set"]}"}) >= ${threshold * 100} %; SES reviews the account at ${spec.review}."
        }
      }
    ]...)
  ]...)

  pipeline_alarms = {
    "ses-daily-send-quota" = {
      namespace          = "AWS/SES"
      metric_name        = "Send"
      dimensions         = {}
      statistic          = "Sum"
      period             = 86400
      evaluation_periods = 1
      datapoints         = 1
      threshold          = var.daily_send_threshold
      comparison         = "GreaterThanOrEqualToThreshold"
      treat_missing_data = "notBreaching" # no sends, no risk of hitting the quota
      runbook            = "ses-daily-send-quota"
      summary            = "WARNING: SES sends in the last day reached ${var.daily_send_threshold}, close to the 24-hour quota; further sends will be refused."
    }
    "event-topic-delivery-failures" = {
      namespace          = "AWS/SNS"
      metric_name        = "NumberOfNotificationsFailed"
      dimensions         = { TopicName = var.event_topic_name }
      statistic          = "Sum"
      period             = 300
      evaluation_periods = 1
      datapoints         = 1
      threshold          = 0
      comparison         = "GreaterThanThreshold"
      treat_missing_data = "notBreaching" # no failed deliveries, no data
      runbook            = "event-topic-delivery-failures"
      summary            = "CRITICAL: SNS failed to deliver SES events from ${var.event_topic_name} to the event queue; they are in ${var.subscription_dlq_name} or lost."
    }
    "event-subscription-dlq-not-empty" = {
      namespace          = "AWS/SQS"
      metric_name        = "ApproximateNumberOfMessagesVisible"
      dimensions         = { QueueName = var.subscription_dlq_name }
      statistic          = "Maximum"
      period             = 300
      evaluation_periods = 1
      datapoints         = 1
      threshold          = 0
      comparison         = "GreaterThanThreshold"
      treat_missing_data = "notBreaching"
      runbook            = "event-subscription-dlq-not-empty"
      summary            = "CRITICAL: SNS could not deliver SES events to the event queue and dead-lettered them in ${var.subscription_dlq_name}; they are not in the event table."
    }
  }

  # The queue, its DLQ and the persister exist only where the pipeline lives: a standby region's
  # instance (queue_name = null) watches its SES, event topic and subscription DLQ only.
  queue_alarms = var.queue_name == null ? {} : {
    "event-dlq-not-empty" = {
      namespace          = "AWS/SQS"
      metric_name        = "ApproximateNumberOfMessagesVisible"
      dimensions         = { QueueName = var.dlq_name }
      statistic          = "Maximum"
      period             = 300
      evaluation_periods = 1
      datapoints         = 1
      threshold          = 0
      comparison         = "GreaterThanThreshold"
      treat_missing_data = "notBreaching" # SQS stops publishing for idle, empty queues
      runbook            = "event-dlq-not-empty"
      summary            = "CRITICAL: SES events failed processing repeatedly and were moved to ${var.dlq_name}; they are not in the event table."
    }
    "event-queue-oldest-message-age" = {
      namespace          = "AWS/SQS"
      metric_name        = "ApproximateAgeOfOldestMessage"
      dimensions         = { QueueName = var.queue_name }
      statistic          = "Maximum"
      period             = 300
      evaluation_periods = 3
      datapoints         = 2
      threshold          = var.queue_oldest_message_age_seconds
      comparison         = "GreaterThanOrEqualToThreshold"
      treat_missing_data = "notBreaching"
      runbook            = "event-queue-oldest-message-age"
      summary            = "WARNING: the oldest SES event in ${var.queue_name} waited >= ${var.queue_oldest_message_age_seconds} s; status lookups are behind."
    }
    "event-queue-backlog" = {
      namespace          = "AWS/SQS"
      metric_name        = "ApproximateNumberOfMessagesVisible"
      dimensions         = { QueueName = var.queue_name }
      statistic          = "Maximum"
      period             = 300
      evaluation_periods = 3
      datapoints         = 3
      threshold          = var.queue_backlog_messages
      comparison         = "GreaterThanOrEqualToThreshold"
      treat_missing_data = "notBreaching"
      runbook            = "event-queue-backlog"
      summary            = "WARNING: >= ${var.queue_backlog_messages} SES events have waited in ${var.queue_name} for 15 minutes; the persister is not draining the queue."
    }
    "persister-errors" = {
      namespace          = "AWS/Lambda"
      metric_name        = "Errors"
      dimensions         = { FunctionName = var.function_name }
      statistic          = "Sum"
      period             = 300
      evaluation_periods = 3
      datapoints         = 2
      threshold          = 1
      comparison         = "GreaterThanOrEqualToThreshold"
      treat_missing_data = "notBreaching" # no invocations, no errors
      runbook            = "persister-errors"
      summary            = "CRITICAL: ${var.function_name} invocations are failing as a whole; batches return to the queue and head for the DLQ."
    }
    "persister-throttles" = {
      namespace          = "AWS/Lambda"
      metric_name        = "Throttles"
      dimensions         = { FunctionName = var.function_name }
      statistic          = "Sum"
      period             = 300
      evaluation_periods = 3
      datapoints         = 2
      threshold          = 1
      comparison         = "GreaterThanOrEqualToThreshold"
      treat_missing_data = "notBreaching"
      runbook            = "persister-throttles"
      summary            = "WARNING: ${var.function_name} is throttled; throttled receives count towards maxReceiveCount and can dead-letter good events."
    }
  }

  alarms = merge(local.reputation_alarms, local.pipeline_alarms, local.queue_alarms)
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = "${each.value.summary} Runbook: ${var.runbook_base_url}/${each.value.runbook}.md"
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison
  treat_missing_data  = each.value.treat_missing_data
  alarm_actions       = [aws_sns_topic.this.arn]
  ok_actions          = [aws_sns_topic.this.arn]
  tags                = var.tags

  lifecycle {
    precondition {
      condition     = var.bounce_rate_warning < var.bounce_rate_critical && var.complaint_rate_warning < var.complaint_rate_critical
      error_message = "warning levels must be below critical levels (bounce and complaint)."
    }
  }
}

# Events stopped: SES reports sends while the event topic publishes nothing. This catches every loss
# above the queue whatever its cause (a destination disabled or deleted, a topic or key policy that
# refuses SES), none of which produces an error in this account. Metric math, so it is its own block.
resource "aws_cloudwatch_metric_alarm" "events_stopped" {
  alarm_name          = "${var.name_prefix}-events-stopped"
  alarm_description   = "CRITICAL: SES reported sends for ${var.events_stopped_periods * 5} minutes while ${var.event_topic_name} published no event; SES events are being lost before the queue. Runbook: ${var.runbook_base_url}/events-stopped.md"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  evaluation_periods  = var.events_stopped_periods
  datapoints_to_alarm = var.events_stopped_periods
  treat_missing_data  = "notBreaching" # no sends: nothing to lose
  alarm_actions       = [aws_sns_topic.this.arn]
  ok_actions          = [aws_sns_topic.this.arn]
  tags                = var.tags

  metric_query {
    id          = "stopped"
    expression  = "IF(FILL(sends, 0) > 0 AND FILL(published, 0) == 0, 1, 0)"
    label       = "SES sends with no event published"
    return_data = true
  }

  metric_query {
    id = "sends"
    metric {
      namespace   = "AWS/SES"
      metric_name = "Send"
      period      = 300
      stat        = "Sum"
    }
  }

  metric_query {
    id = "published"
    metric {
      namespace   = "AWS/SNS"
      metric_name = "NumberOfMessagesPublished"
      dimensions  = { TopicName = var.event_topic_name }
      period      = 300
      stat        = "Sum"
    }
  }
}
