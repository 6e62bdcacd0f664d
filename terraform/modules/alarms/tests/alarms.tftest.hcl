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
  daily_send_threshold    = 40000
  alarm_email_addresses   = ["oncall@example.org"]
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
      for k in ["ses-daily-send-quota", "event-dlq-not-empty", "event-queue-oldest-message-age", "event-queue-backlog", "persister-errors", "persister-throttles"] :
      k => [aws_cloudwatch_metric_alarm.this[k].namespace, aws_cloudwatch_metric_alarm.this[k].metric_name]
      } == {
      "ses-daily-send-quota"           = ["AWS/SES", "Send"]
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
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["ses-daily-send-quota"].threshold == 40000 && aws_cloudwatch_metric_alarm.this["ses-daily-send-quota"].period == 86400
    error_message = "daily send alarm uses the threshold variable over one day"
  }
}

run "every_alarm_pages_and_names_its_runbook" {
  command = plan

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.alarm_actions == toset(["arn:aws:sns:eu-west-1:111122223333:ses-test-alarms"])])
    error_message = "every alarm notifies the alarm topic"
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : can(regex("Runbook: docs/runbooks/[a-z-]+\\.md$", a.alarm_description)) && startswith(a.alarm_name, "ses-test-")])
    error_message = "every alarm description ends with its runbook path and its name with the prefix"
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

run "rejects_bounce_threshold_at_review_level" {
  command = plan
  variables {
    bounce_rate_critical = 0.05
  }
  expect_failures = [var.bounce_rate_critical]
}

run "rejects_percent_instead_of_fraction" {
  command = plan
  variables {
    complaint_rate_warning = 0.05
  }
  expect_failures = [var.complaint_rate_warning]
}

run "rejects_warning_above_critical" {
  command = plan
  variables {
    bounce_rate_warning  = 0.045
    bounce_rate_critical = 0.03
  }
  expect_failures = [aws_cloudwatch_metric_alarm.this]
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
    condition     = alltrue([for k in ["ses-daily-send-quota", "event-topic-delivery-failures", "event-subscription-dlq-not-empty", "ses-cs-transactional-bounce-rate-critical", "ses-account-complaint-rate-critical"] : contains(keys(aws_cloudwatch_metric_alarm.this), k)])
    error_message = "reputation, quota, topic delivery and subscription DLQ alarms stay"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.events_stopped.alarm_name == "ses-test-us-east-1-events-stopped"
    error_message = "the events-stopped alarm watches the standby region's topic too"
  }
}
