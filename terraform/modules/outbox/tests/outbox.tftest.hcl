# Offline unit tests: mock provider, plan only.
mock_provider "aws" {
  override_during = plan
}

variables {
  name_prefix             = "ses-test"
  account_id              = "111122223333"
  region                  = "eu-west-1"
  standby_region          = "eu-central-1"
  sending_domains         = ["example.com"]
  configuration_set_names = ["ses-test-transactional"]
  events_table = {
    name        = "ses-test-events"
    arn         = "arn:aws:dynamodb:eu-west-1:111122223333:table/ses-test-events"
    kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/events"
  }
  alarm_actions_by_severity = { critical = ["arn:aws:sns:eu-west-1:111122223333:critical"], warning = ["arn:aws:sns:eu-west-1:111122223333:warning"] }
  function = {
    lambda_zip_path = "../eventbridge_function/tests/fixture.zip"
  }
}

run "queues_keep_mail_fourteen_days_under_the_cmk_with_a_dlq" {
  command = plan

  assert {
    condition     = alltrue([for q in [aws_sqs_queue.this, aws_sqs_queue.dlq, aws_sqs_queue.parked] : q.message_retention_seconds == 1209600])
    error_message = "outbox, DLQ and parked queue keep mail 14 days"
  }
  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy).maxReceiveCount == 5
    error_message = "the outbox redrives to its DLQ"
  }
  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 6 * aws_lambda_function.this.timeout
    error_message = "visibility timeout is 6x the function timeout"
  }
}

run "replay_worker_drains_the_outbox_with_partial_failures_and_low_concurrency" {
  command = plan

  assert {
    condition     = aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"]) && aws_lambda_event_source_mapping.this.scaling_config[0].maximum_concurrency == 2
    error_message = "partial batch failures, two instances at most"
  }
  assert {
    condition     = aws_lambda_function.this.handler == "sesmail.handlers.outbox_replay.handler" && aws_lambda_function.this.architectures == tolist(["arm64"]) && aws_lambda_function.this.runtime == "python3.12"
    error_message = "the replay handler on python3.12 arm64"
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables.SENDING_STANDBY_REGION == "eu-central-1" && aws_lambda_function.this.environment[0].variables.EVENTS_TABLE_NAME == "ses-test-events" && !contains(keys(aws_lambda_function.this.environment[0].variables), "REPLAY_SEND_RATE")
    error_message = "regions and trail table set, unset rate left out"
  }
}

run "role_sends_only_as_the_identities_and_sets_in_both_regions" {
  command = plan

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Resource if s.Sid == "SendInBothRegions"]) == [
      "arn:aws:ses:eu-west-1:111122223333:identity/example.com",
      "arn:aws:ses:eu-west-1:111122223333:configuration-set/ses-test-transactional",
      "arn:aws:ses:eu-central-1:111122223333:identity/example.com",
      "arn:aws:ses:eu-central-1:111122223333:configuration-set/ses-test-transactional",
    ]
    error_message = "SendEmail on exactly the identities and configuration sets, both regions"
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Condition if s.Sid == "WriteOutboxTrail"]) == { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = "REF#*" } }
    error_message = "the trail writes only REF# items"
  }
  assert {
    condition     = sort(flatten([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Action])) == sort(["ses:SendEmail", "ses:GetAccount", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:SendMessage", "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:PutItem"])
    error_message = "exactly the calls the worker makes"
  }
}

run "no_trail_table_no_dynamodb_and_primary_only" {
  command = plan
  variables {
    events_table   = null
    standby_region = null
  }

  assert {
    condition     = !strcontains(aws_iam_role_policy.this.policy, "dynamodb") && !contains(keys(aws_lambda_function.this.environment[0].variables), "EVENTS_TABLE_NAME") && !contains(keys(aws_lambda_function.this.environment[0].variables), "SENDING_STANDBY_REGION")
    error_message = "no table: no grant, no variable; no standby: no standby region"
  }
}

run "alarms_name_runbooks_and_measure_depth_with_metric_math" {
  command = plan

  assert {
    condition     = one([for q in aws_cloudwatch_metric_alarm.not_draining.metric_query : q.expression if q.id == "depth"]) == "visible + delayed + inflight" && aws_cloudwatch_metric_alarm.not_draining.evaluation_periods == 6
    error_message = "depth = visible + delayed + in flight, 30 minutes"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.failover_active.metric_name == "Failovers" && aws_cloudwatch_metric_alarm.failover_active.dimensions == null && aws_cloudwatch_metric_alarm.outbox_age.threshold == 900
    error_message = "library metrics have no dimensions"
  }
  assert {
    condition     = alltrue([for d in concat([aws_cloudwatch_metric_alarm.failover_active.alarm_description, aws_cloudwatch_metric_alarm.not_draining.alarm_description, aws_cloudwatch_metric_alarm.outbox_age.alarm_description], [for a in aws_cloudwatch_metric_alarm.needs_a_person : a.alarm_description]) : contains(["outbox-failover-active.md", "outbox-not-draining.md", "outbox-parked-not-empty.md"], element(split("Runbook: docs/runbooks/", d), 1))])
    error_message = "every alarm names its runbook"
  }
}

run "rejects_concurrency_below_the_sqs_minimum" {
  command = plan
  variables {
    function = { lambda_zip_path = "../eventbridge_function/tests/fixture.zip", maximum_concurrency = 1 }
  }
  expect_failures = [var.function]
}
