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
      levels = var.thresholds.bounce_rate
      what   = "bounce rate"
      review = "5 %"
    }
    "complaint-rate" = {
      metric = "Reputation.ComplaintRate"
      levels = var.thresholds.complaint_rate
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
          severity           = level
          panel              = "reputation-${kind}"
          summary            = "SES ${spec.what} (${scope == "account" ? "whole account" : "configuration set ${dimensions["ses:configuration-set"]}"}) >= ${threshold * 100} %; SES reviews the account at ${spec.review}."
        }
      }
    ]...)
  ]...)

  # Share of the 24-hour quota used, published by the quota_metric Lambda. Missing data on the warning
  # alarm is breaching: a stopped publisher leaves the quota unwatched, which on-call must hear about.
  send_quota_alarms = var.send_quota_metric == null ? {} : {
    for level, threshold in var.thresholds.send_quota_usage : "ses-send-quota-${level}" => {
      severity           = level
      panel              = "quota"
      namespace          = var.send_quota_metric.namespace
      metric_name        = var.send_quota_metric.metric_name
      dimensions         = var.send_quota_metric.dimensions
      statistic          = "Maximum"
      period             = 300
      evaluation_periods = 3
      datapoints         = level == "warning" ? 3 : 1
      threshold          = threshold
      comparison         = "GreaterThanOrEqualToThreshold"
      treat_missing_data = level == "warning" ? "breaching" : "ignore"
      runbook            = "ses-daily-send-quota"
      summary            = "SES used >= ${threshold * 100} % of its 24-hour sending quota (SentLast24Hours / Max24HourSend; no data for 15 minutes also fires the warning); at 100 % SES refuses sends."
    }
  }

  # Kept only until the environment wires the quota metric: it counts messages per calendar day.
  legacy_send_alarms = var.send_quota_metric != null || var.daily_send_threshold == null ? {} : {
    "ses-daily-send-quota" = {
      severity           = "warning"
      panel              = "quota"
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
      summary            = "SES sends in the last day reached ${var.daily_send_threshold}, close to the 24-hour quota; further sends will be refused."
    }
  }

  # Delivery health per configuration set, on the CloudWatch event destination's counts.
  delivery_health_sets = var.delivery_health.enabled ? var.configuration_set_names : []
  delivery_count_alarms = merge([
    for name in local.delivery_health_sets : {
      "ses-cs-${name}-rejects" = {
        severity           = "warning"
        panel              = "delivery-${name}"
        namespace          = "AWS/SES"
        metric_name        = "Reject"
        dimensions         = { "ses:configuration-set" = name }
        statistic          = "Sum"
        period             = 3600
        evaluation_periods = 1
        datapoints         = 1
        threshold          = var.delivery_health.rejects_warning
        comparison         = "GreaterThanOrEqualToThreshold"
        treat_missing_data = "notBreaching" # SES publishes no Reject datapoint when nothing was rejected
        runbook            = "ses-rejects"
        summary            = "SES rejected >= ${var.delivery_health.rejects_warning} messages of configuration set ${name} in an hour (virus or malware found): they were never sent."
      }
      "ses-cs-${name}-rendering-failures" = {
        severity           = "critical"
        panel              = "delivery-${name}"
        namespace          = "AWS/SES"
        metric_name        = "RenderingFailure"
        dimensions         = { "ses:configuration-set" = name }
        statistic          = "Sum"
        period             = 300
        evaluation_periods = 1
        datapoints         = 1
        threshold          = var.delivery_health.rendering_failures
        comparison         = "GreaterThanOrEqualToThreshold"
        treat_missing_data = "notBreaching"
        runbook            = "ses-rendering-failures"
        summary            = "SES could not render a template for >= ${var.delivery_health.rendering_failures} messages of configuration set ${name} in 5 minutes: those messages were not sent."
      }
    }
  ]...)

  # Ratios to sends, as metric math. Below min_sends sends an hour the ratio is replaced by a value that
  # cannot breach: a handful of mails says nothing about a provider.
  delivery_ratio_alarms = merge([
    for name in local.delivery_health_sets : {
      "ses-cs-${name}-delivery-delay" = {
        severity           = "warning"
        panel              = "delivery-${name}"
        dimensions         = { "ses:configuration-set" = name }
        numerator          = "DeliveryDelay"
        period             = 900
        evaluation_periods = 2
        datapoints         = 2
        low_volume_value   = 0
        threshold          = var.delivery_health.delay_rate_warning
        comparison         = "GreaterThanOrEqualToThreshold"
        runbook            = "ses-delivery-delay"
        label              = "DeliveryDelay / Send"
        summary            = "DeliveryDelay events reached ${var.delivery_health.delay_rate_warning * 100} % of sends for configuration set ${name} for 30 minutes: receiving providers are deferring our mail."
      }
      "ses-cs-${name}-delivery-ratio" = {
        severity           = "critical"
        panel              = "delivery-${name}"
        dimensions         = { "ses:configuration-set" = name }
        numerator          = "Delivery"
        period             = 3600
        evaluation_periods = 2
        datapoints         = 2
        low_volume_value   = 1
        threshold          = var.delivery_health.delivery_ratio_critical
        comparison         = "LessThanThreshold"
        runbook            = "ses-delivery-ratio"
        label              = "Delivery / Send"
        summary            = "Deliveries fell below ${var.delivery_health.delivery_ratio_critical * 100} % of sends for configuration set ${name} for two hours: mail is being accepted by SES but not delivered."
      }
    }
  ]...)

  # What auto-pause stops for each critical reputation alarm: the account-wide alarm every set, a set's
  # own alarm that set (alarms with no set to pause are left out).
  critical_reputation_alarm_sets = {
    for key, spec in local.reputation_alarms : "${var.name_prefix}-${key}" => (
      length(spec.dimensions) == 0 ? var.configuration_set_names : [spec.dimensions["ses:configuration-set"]]
    ) if spec.severity == "critical" && (length(spec.dimensions) > 0 || length(var.configuration_set_names) > 0)
  }

  ratio_expressions = {
    for key, spec in local.delivery_ratio_alarms :
    key => "IF(FILL(sends, 0) >= ${var.delivery_health.min_sends}, FILL(part, 0) / sends, ${spec.low_volume_value})"
  }

  pipeline_alarms = {
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
      severity           = "critical"
      panel              = "pipeline"
      summary            = "SNS failed to deliver SES events from ${var.event_topic_name} to the event queue; they are in ${var.subscription_dlq_name} or lost."
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
      severity           = "critical"
      panel              = "pipeline"
      summary            = "SNS could not deliver SES events to the event queue and dead-lettered them in ${var.subscription_dlq_name}; they are not in the event table."
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
      severity           = "critical"
      panel              = "pipeline"
      summary            = "SES events failed processing repeatedly and were moved to ${var.dlq_name}; they are not in the event table."
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
      severity           = "warning"
      panel              = "pipeline"
      summary            = "the oldest SES event in ${var.queue_name} waited >= ${var.queue_oldest_message_age_seconds} s; status lookups are behind."
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
      severity           = "warning"
      panel              = "pipeline"
      summary            = ">= ${var.queue_backlog_messages} SES events have waited in ${var.queue_name} for 15 minutes; the persister is not draining the queue."
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
      severity           = "critical"
      panel              = "pipeline"
      summary            = "${var.function_name} invocations are failing as a whole; batches return to the queue and head for the DLQ."
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
      severity           = "warning"
      panel              = "pipeline"
      summary            = "${var.function_name} is throttled; throttled receives count towards maxReceiveCount and can dead-letter good events."
    }
  }

  alarms = merge(local.reputation_alarms, local.send_quota_alarms, local.legacy_send_alarms, local.delivery_count_alarms, local.pipeline_alarms, local.queue_alarms)
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = "${upper(each.value.severity)}: ${each.value.summary} Runbook: ${var.runbook_base_url}/${each.value.runbook}.md"
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
  alarm_actions       = local.actions_by_severity[each.value.severity]
  ok_actions          = local.actions_by_severity[each.value.severity]
  tags                = merge(var.tags, { Severity = each.value.severity })

  depends_on = [aws_sns_topic_policy.this, aws_sns_topic_policy.warning]
}

resource "aws_cloudwatch_metric_alarm" "ratio" {
  for_each = local.delivery_ratio_alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = "${upper(each.value.severity)}: ${each.value.summary} Runbook: ${var.runbook_base_url}/${each.value.runbook}.md"
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints
  treat_missing_data  = "notBreaching" # no sends in the period: nothing to judge
  alarm_actions       = local.actions_by_severity[each.value.severity]
  ok_actions          = local.actions_by_severity[each.value.severity]
  tags                = merge(var.tags, { Severity = each.value.severity })

  metric_query {
    id          = "ratio"
    expression  = local.ratio_expressions[each.key]
    label       = each.value.label
    return_data = true
  }

  metric_query {
    id = "sends"
    metric {
      namespace   = "AWS/SES"
      metric_name = "Send"
      dimensions  = each.value.dimensions
      period      = each.value.period
      stat        = "Sum"
    }
  }

  metric_query {
    id = "part"
    metric {
      namespace   = "AWS/SES"
      metric_name = each.value.numerator
      dimensions  = each.value.dimensions
      period      = each.value.period
      stat        = "Sum"
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
  alarm_actions       = local.actions_by_severity.critical
  ok_actions          = local.actions_by_severity.critical
  tags                = merge(var.tags, { Severity = "critical" })

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
