# Offline unit tests: mock provider, plan only.
mock_provider "aws" {
  override_during = plan

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:111122223333:ses-test-alarms"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:111122223333:key/11111111-1111-1111-1111-111111111111"
      key_id = "11111111-1111-1111-1111-111111111111"
    }
  }
}

variables {
  name_prefix             = "ses-test"
  account_id              = "111122223333"
  region                  = "eu-west-1"
  configuration_set_names = ["transactional"]
  queue_name              = "ses-test-ses-events"
  dlq_name                = "ses-test-ses-events-dlq"
  subscription_dlq_name   = "ses-test-ses-events-sns-dlq"
  event_topic_name        = "ses-test-ses-events"
  function_name           = "ses-test-event-persister"
  send_quota_metric = {
    namespace   = "SesMailPlatform/Quota"
    metric_name = "SendQuotaUsage"
    dimensions  = { Region = "eu-west-1" }
  }
  alarm_actions_by_severity = {
    critical = ["arn:aws:sns:eu-west-1:111122223333:pager"]
  }
  alarm_email_addresses = ["oncall@example.org"]
}

run "reputation_alarms_two_levels_account_and_configuration_set" {
  command = plan

  assert {
    condition = toset([for k, a in aws_cloudwatch_metric_alarm.this : k if a.namespace == "AWS/SES" && startswith(a.metric_name, "Reputation.")]) == toset([
      "ses-account-bounce-rate-warning", "ses-account-bounce-rate-critical",
      "ses-account-complaint-rate-warning", "ses-account-complaint-rate-critical",
      "ses-cs-transactional-bounce-rate-warning", "ses-cs-transactional-bounce-rate-critical",
      "ses-cs-transactional-complaint-rate-warning", "ses-cs-transactional-complaint-rate-critical",
    ])
    error_message = "account and per-configuration-set reputation alarms at two levels"
  }
  assert {
    condition = [
      aws_cloudwatch_metric_alarm.this["ses-account-bounce-rate-warning"].threshold,
      aws_cloudwatch_metric_alarm.this["ses-account-bounce-rate-critical"].threshold,
      aws_cloudwatch_metric_alarm.this["ses-account-complaint-rate-warning"].threshold,
      aws_cloudwatch_metric_alarm.this["ses-account-complaint-rate-critical"].threshold,
    ] == [0.025, 0.04, 0.0005, 0.0008]
    error_message = "default thresholds are 50 % / 80 % of the review thresholds, as fractions"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["ses-account-bounce-rate-critical"].metric_name == "Reputation.BounceRate" && aws_cloudwatch_metric_alarm.this["ses-account-complaint-rate-critical"].metric_name == "Reputation.ComplaintRate"
    error_message = "reputation metric names"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["ses-cs-transactional-bounce-rate-warning"].dimensions == tomap({ "ses:configuration-set" = "transactional" }) && length(aws_cloudwatch_metric_alarm.this["ses-account-bounce-rate-warning"].dimensions) == 0
    error_message = "configuration-set alarms use the ses:configuration-set dimension, account alarms none"
  }
  assert {
    condition     = alltrue([for k, a in aws_cloudwatch_metric_alarm.this : a.treat_missing_data == "ignore" if startswith(a.metric_name, "Reputation.")])
    error_message = "reputation alarms keep their state when SES publishes no rate"
  }
}

run "pipeline_alarms_watch_the_right_metrics" {
  command = plan

  assert {
    condition = {
      for k in ["event-dlq-not-empty", "event-queue-oldest-message-age", "event-queue-backlog", "persister-errors", "persister-throttles"] :
      k => [aws_cloudwatch_metric_alarm.this[k].namespace, aws_cloudwatch_metric_alarm.this[k].metric_name]
      } == {
      "event-dlq-not-empty"            = ["AWS/SQS", "ApproximateNumberOfMessagesVisible"]
      "event-queue-oldest-message-age" = ["AWS/SQS", "ApproximateAgeOfOldestMessage"]
      "event-queue-backlog"            = ["AWS/SQS", "ApproximateNumberOfMessagesVisible"]
      "persister-errors"               = ["AWS/Lambda", "Errors"]
      "persister-throttles"            = ["AWS/Lambda", "Throttles"]
    }
    error_message = "pipeline alarm metrics"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["event-dlq-not-empty"].dimensions == tomap({ QueueName = "ses-test-ses-events-dlq" }) && aws_cloudwatch_metric_alarm.this["event-dlq-not-empty"].threshold == 0 && aws_cloudwatch_metric_alarm.this["event-dlq-not-empty"].comparison_operator == "GreaterThanThreshold"
    error_message = "DLQ depth > 0 on the DLQ"
  }
}

run "every_alarm_pages_and_names_its_runbook" {
  command = plan

  assert {
    condition = alltrue([
      for a in concat(values(aws_cloudwatch_metric_alarm.this), values(aws_cloudwatch_metric_alarm.ratio), [aws_cloudwatch_metric_alarm.events_stopped]) :
      can(regex("^(WARNING|CRITICAL): .* Runbook: docs/runbooks/[a-z-]+\\.md$", a.alarm_description)) && startswith(a.alarm_name, "ses-test-")
    ])
    error_message = "every alarm description starts with its severity, ends with its runbook path, and its name with the prefix"
  }
  assert {
    condition     = aws_sns_topic.this.kms_master_key_id == aws_kms_key.this.arn && aws_kms_key.this.enable_key_rotation
    error_message = "alarm topic encrypted with a rotating CMK"
  }
  assert {
    condition     = keys(aws_sns_topic_subscription.email) == ["oncall@example.org"] && length(aws_sns_topic_subscription.https) == 0
    error_message = "optional subscriptions"
  }
}

run "sending_disabled_rule_reaches_the_topic" {
  command = plan

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.sending_disabled.event_pattern) == { source = ["aws.ses"], "detail-type" = ["Sending Status Disabled"] }
    error_message = "rule matches SES Sending Status Disabled"
  }
  assert {
    condition     = aws_cloudwatch_event_target.sending_disabled.arn == aws_sns_topic.this.arn
    error_message = "rule targets the alarm topic"
  }
  assert {
    condition = one([
      for s in jsondecode(aws_sns_topic_policy.this.policy).Statement : s.Condition
      if s.Principal == { Service = "events.amazonaws.com" }
      ]) == {
      StringEquals = { "aws:SourceAccount" = "111122223333" }
      ArnEquals    = { "aws:SourceArn" = "arn:aws:events:eu-west-1:111122223333:rule/ses-test-ses-sending-disabled" }
    }
    error_message = "topic policy lets only our rule publish through EventBridge"
  }
  assert {
    condition = one([
      for s in jsondecode(aws_sns_topic_policy.this.policy).Statement : s.Condition.ArnLike["aws:SourceArn"]
      if s.Principal == { Service = "cloudwatch.amazonaws.com" }
    ]) == "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:ses-test-*"
    error_message = "topic policy lets only our alarms publish"
  }
  assert {
    condition = alltrue([
      for s in jsondecode(aws_kms_key.this.policy).Statement :
      s.Sid == "AccountRootManagesKeyThroughIam" ? s.Action == "kms:*" : (!contains(flatten([s.Action]), "kms:*") && length(keys(s.Condition)) > 0)
    ])
    error_message = "only the root key statement is unconditioned"
  }
}

run "severity_routing_sends_warnings_and_criticals_to_different_actions" {
  command = plan

  assert {
    condition = alltrue([
      for a in concat(values(aws_cloudwatch_metric_alarm.this), values(aws_cloudwatch_metric_alarm.ratio), [aws_cloudwatch_metric_alarm.events_stopped]) :
      a.alarm_actions == (a.tags.Severity == "critical"
        ? toset(["arn:aws:sns:eu-west-1:111122223333:ses-test-alarms", "arn:aws:sns:eu-west-1:111122223333:pager"])
      : toset(["arn:aws:sns:eu-west-1:111122223333:ses-test-alarms-warning"])) && a.ok_actions == a.alarm_actions
    ])
    error_message = "critical alarms notify the critical topic plus the extra critical actions; warnings only the warning topic"
  }
  assert {
    condition     = toset([for a in aws_cloudwatch_metric_alarm.this : a.tags.Severity]) == toset(["warning", "critical"])
    error_message = "both severities are in use"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["persister-errors"].tags.Severity == "critical" && aws_cloudwatch_metric_alarm.this["event-queue-backlog"].tags.Severity == "warning" && aws_cloudwatch_metric_alarm.this["ses-account-bounce-rate-warning"].tags.Severity == "warning"
    error_message = "severities per alarm"
  }
  assert {
    condition     = aws_sns_topic.warning.kms_master_key_id == aws_kms_key.this.arn && aws_sns_topic.warning.name == "ses-test-alarms-warning"
    error_message = "the warning topic is encrypted with the alarm CMK"
  }
  assert {
    condition     = keys(aws_sns_topic_subscription.email_warning) == ["oncall@example.org"]
    error_message = "on-call email also receives warnings"
  }
  assert {
    condition     = [for s in jsondecode(aws_sns_topic_policy.warning.policy).Statement : s.Sid] == ["OurAlarmsPublish", "DenyInsecureTransport"]
    error_message = "only our alarms publish to the warning topic, over TLS"
  }
}

run "critical_reputation_alarms_map_to_the_sets_auto_pause_would_stop" {
  command = plan
  variables {
    configuration_set_names = ["transactional", "marketing"]
  }

  assert {
    condition = jsonencode(output.critical_reputation_alarm_sets) == jsonencode({
      "ses-test-ses-account-bounce-rate-critical"             = ["transactional", "marketing"]
      "ses-test-ses-account-complaint-rate-critical"          = ["transactional", "marketing"]
      "ses-test-ses-cs-transactional-bounce-rate-critical"    = ["transactional"]
      "ses-test-ses-cs-transactional-complaint-rate-critical" = ["transactional"]
      "ses-test-ses-cs-marketing-bounce-rate-critical"        = ["marketing"]
      "ses-test-ses-cs-marketing-complaint-rate-critical"     = ["marketing"]
    })
    error_message = "account alarms pause every set, per-set alarms their set; warnings pause nothing"
  }
}

run "https_webhooks_page_only_for_critical" {
  command = plan
  variables {
    alarm_https_endpoints = ["https://pager.example.org/hook"]
  }

  assert {
    condition     = [for s in aws_sns_topic_subscription.https : s.topic_arn] == ["arn:aws:sns:eu-west-1:111122223333:ses-test-alarms"]
    error_message = "webhooks subscribe to the critical topic only"
  }
}

run "quota_alarms_watch_the_published_usage_metric" {
  command = plan

  assert {
    condition = {
      for k in ["ses-send-quota-warning", "ses-send-quota-critical"] :
      k => [aws_cloudwatch_metric_alarm.this[k].namespace, aws_cloudwatch_metric_alarm.this[k].metric_name, aws_cloudwatch_metric_alarm.this[k].threshold, aws_cloudwatch_metric_alarm.this[k].treat_missing_data]
      } == {
      "ses-send-quota-warning"  = ["SesMailPlatform/Quota", "SendQuotaUsage", 0.8, "breaching"]
      "ses-send-quota-critical" = ["SesMailPlatform/Quota", "SendQuotaUsage", 0.95, "ignore"]
    }
    error_message = "quota usage alarms at 80 % / 95 %; a silent publisher trips the warning"
  }
  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.this), "ses-daily-send-quota")
    error_message = "the fixed Send-count alarm is gone once the quota metric is wired"
  }
}

run "legacy_daily_send_alarm_only_without_the_quota_metric" {
  command = plan
  variables {
    send_quota_metric    = null
    daily_send_threshold = 40000
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["ses-daily-send-quota"].threshold == 40000 && length([for k, a in aws_cloudwatch_metric_alarm.this : k if startswith(k, "ses-send-quota-")]) == 0
    error_message = "legacy alarm kept while the environment has not wired the quota metric"
  }
}

run "delivery_health_alarms_per_configuration_set" {
  command = plan

  assert {
    condition = {
      for k in ["ses-cs-transactional-rejects", "ses-cs-transactional-rendering-failures"] :
      k => [aws_cloudwatch_metric_alarm.this[k].metric_name, aws_cloudwatch_metric_alarm.this[k].dimensions, aws_cloudwatch_metric_alarm.this[k].tags.Severity]
      } == {
      "ses-cs-transactional-rejects"            = ["Reject", tomap({ "ses:configuration-set" = "transactional" }), "warning"]
      "ses-cs-transactional-rendering-failures" = ["RenderingFailure", tomap({ "ses:configuration-set" = "transactional" }), "critical"]
    }
    error_message = "reject and rendering-failure counts on the configuration-set dimension"
  }
  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.ratio) == ["ses-cs-transactional-delivery-delay", "ses-cs-transactional-delivery-ratio"]
    error_message = "delay and delivery ratios per set"
  }
  assert {
    condition = [
      for q in aws_cloudwatch_metric_alarm.ratio["ses-cs-transactional-delivery-ratio"].metric_query : q.expression if q.id == "ratio"
    ] == ["IF(FILL(sends, 0) >= 100, FILL(part, 0) / sends, 1)"]
    error_message = "delivery ratio is metric math with a volume floor that cannot breach"
  }
  assert {
    condition = toset(flatten([
      for q in aws_cloudwatch_metric_alarm.ratio["ses-cs-transactional-delivery-ratio"].metric_query : [for m in q.metric : [m.metric_name, m.dimensions["ses:configuration-set"]]]
    ])) == toset(["Send", "Delivery", "transactional"])
    error_message = "delivery ratio reads Send and Delivery of the set"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.ratio["ses-cs-transactional-delivery-ratio"].comparison_operator == "LessThanThreshold" && aws_cloudwatch_metric_alarm.ratio["ses-cs-transactional-delivery-ratio"].threshold == 0.9 && aws_cloudwatch_metric_alarm.ratio["ses-cs-transactional-delivery-delay"].threshold == 0.05
    error_message = "ratio thresholds"
  }
}

run "delivery_health_can_be_turned_off" {
  command = plan
  variables {
    delivery_health = { enabled = false }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.ratio) == 0 && length([for k, a in aws_cloudwatch_metric_alarm.this : k if a.metric_name == "Reject"]) == 0
    error_message = "no delivery-health alarms when disabled"
  }
}

run "dashboard_without_a_persister_has_no_persister_panel" {
  command = plan
  variables {
    queue_name    = null
    dlq_name      = null
    function_name = null
  }

  assert {
    condition = !anytrue([
      for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets :
      contains([for m in try(w.properties.metrics, []) : try(m[0], "")], "AWS/Lambda")
    ])
    error_message = "no widget reads a persister that does not exist"
  }
  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.this), "event-dlq-not-empty") && contains(keys(aws_cloudwatch_metric_alarm.this), "event-subscription-dlq-not-empty")
    error_message = "queue alarms left out, topic alarms kept"
  }
}

run "dashboard_is_built_from_the_alarm_specs" {
  command = plan

  assert {
    condition     = aws_cloudwatch_dashboard.this[0].dashboard_name == "ses-test-mail"
    error_message = "one dashboard per environment"
  }
  assert {
    # Every simple alarm's metric and threshold is drawn on some widget.
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.this : anytrue([
        for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets :
        w.type != "metric" ? false : (
          contains([for m in w.properties.metrics : try([m[0], m[1]], [])], [a.namespace, a.metric_name]) &&
          contains([for h in try(w.properties.annotations.horizontal, []) : h.value], a.threshold)
        )
      ])
    ])
    error_message = "each alarm's metric and threshold appear on the dashboard"
  }
  assert {
    condition = one([
      for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : length(w.properties.alarms) if w.type == "alarm"
    ]) == length(aws_cloudwatch_metric_alarm.this) + length(aws_cloudwatch_metric_alarm.ratio) + 1
    error_message = "the alarm status widget lists every alarm"
  }
  assert {
    condition = contains([
      for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : try(w.properties.metrics[0][0].expression, "")
    ], "IF(FILL(sends, 0) >= 100, FILL(part, 0) / sends, 1)")
    error_message = "ratio widgets plot the alarm's own expression"
  }
  assert {
    condition = anytrue([
      for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets :
      contains([for m in try(w.properties.metrics, []) : try(m[1], "")], "ConcurrentExecutions")
    ])
    error_message = "pipeline panel includes persister concurrency"
  }
}

run "rejects_bounce_threshold_at_review_level" {
  command = plan
  variables {
    thresholds = { bounce_rate = { critical = 0.05 } }
  }
  expect_failures = [var.thresholds]
}

run "rejects_percent_instead_of_fraction" {
  command = plan
  variables {
    thresholds = { complaint_rate = { warning = 0.05 } }
  }
  expect_failures = [var.thresholds]
}

run "rejects_warning_above_critical" {
  command = plan
  variables {
    thresholds = { bounce_rate = { warning = 0.045, critical = 0.03 } }
  }
  expect_failures = [var.thresholds]
}

run "rejects_quota_share_above_one" {
  command = plan
  variables {
    thresholds = { send_quota_usage = { critical = 95 } }
  }
  expect_failures = [var.thresholds]
}

run "rejects_non_arn_action" {
  command = plan
  variables {
    alarm_actions_by_severity = { warning = ["ops-tickets"] }
  }
  expect_failures = [var.alarm_actions_by_severity]
}

run "rejects_plain_http_webhook" {
  command = plan
  variables {
    alarm_https_endpoints = ["http://pager.example.org/hook"]
  }
  expect_failures = [var.alarm_https_endpoints]
}

# A standby region's instance: no queue, DLQ or persister there, so no alarms on them; its SES
# reputation, quota, event topic and subscription DLQ are watched as in the primary.
run "standby_region_instance_leaves_out_queue_and_persister_alarms" {
  command = plan

  variables {
    name_prefix   = "ses-test-us-east-1"
    region        = "us-east-1"
    queue_name    = null
    dlq_name      = null
    function_name = null
  }

  assert {
    condition     = length([for k in keys(aws_cloudwatch_metric_alarm.this) : k if startswith(k, "persister-") || startswith(k, "event-queue-") || k == "event-dlq-not-empty"]) == 0
    error_message = "no queue, DLQ or persister alarms without a queue"
  }
  assert {
    condition     = alltrue([for k in ["ses-send-quota-warning", "event-topic-delivery-failures", "event-subscription-dlq-not-empty", "ses-cs-transactional-bounce-rate-critical", "ses-account-complaint-rate-critical"] : contains(keys(aws_cloudwatch_metric_alarm.this), k)])
    error_message = "reputation, quota, topic delivery and subscription DLQ alarms stay"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.events_stopped.alarm_name == "ses-test-us-east-1-events-stopped"
    error_message = "the events-stopped alarm watches the standby region's topic too"
  }
}
