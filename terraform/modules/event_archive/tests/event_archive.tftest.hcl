# Offline unit tests: mock provider, plan only. Names, ARNs and policies are built from variables, so
# they are known at plan time; computed attributes come from the mocks below.
mock_provider "aws" {
  override_during = plan

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000"
      key_id = "00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      id  = "ses-test-ses-event-archive-111122223333"
      arn = "arn:aws:s3:::ses-test-ses-event-archive-111122223333"
    }
  }
  mock_resource "aws_kinesis_firehose_delivery_stream" {
    defaults = {
      arn = "arn:aws:firehose:eu-west-1:111122223333:deliverystream/ses-test-ses-event-archive"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/mock"
    }
  }
  mock_resource "aws_athena_workgroup" {
    defaults = {
      id = "ses-test-ses-archive"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:eu-west-1:111122223333:function:ses-test-ses-ledger"
    }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = {
      arn = "arn:aws:events:eu-west-1:111122223333:rule/ses-test-ses-ledger"
    }
  }
}

variables {
  name_prefix = "ses-test"
  account_id  = "111122223333"
  region      = "eu-west-1"
  topic_arn   = "arn:aws:sns:eu-west-1:111122223333:ses-test-ses-events"
}

run "second_subscription_of_the_event_topic_feeds_firehose" {
  command = plan

  assert {
    condition     = aws_sns_topic_subscription.archive.topic_arn == var.topic_arn && aws_sns_topic_subscription.archive.protocol == "firehose"
    error_message = "the archive must subscribe the Firehose stream to the event topic"
  }
  assert {
    condition     = aws_sns_topic_subscription.archive.raw_message_delivery
    error_message = "records must be the SES JSON itself (raw message delivery)"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.subscription.policy).Statement[0].Resource == "arn:aws:firehose:eu-west-1:111122223333:deliverystream/ses-test-ses-event-archive"
    error_message = "SNS may put records into the archive stream only"
  }
  assert {
    condition     = jsondecode(aws_iam_role.subscription.assume_role_policy).Statement[0].Condition.ArnEquals["aws:SourceArn"] == var.topic_arn
    error_message = "only the event topic may assume the subscription role"
  }
}

run "date_partitioned_gzip_json_lines" {
  command = plan

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].prefix == "events/!{timestamp:yyyy/MM/dd}/"
    error_message = "objects must be partitioned by arrival day"
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].compression_format == "GZIP"
    error_message = "objects must be gzip'd"
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.extended_s3_configuration[0].processing_configuration[0].processors[0].type == "AppendDelimiterToRecord"
    error_message = "one event per line: Firehose must append a delimiter"
  }
  assert {
    condition     = aws_glue_catalog_table.events.parameters["storage.location.template"] == "s3://ses-test-ses-event-archive-111122223333/events/$${dt}/"
    error_message = "the projected partition must match the Firehose prefix"
  }
  assert {
    condition     = aws_glue_catalog_table.events.parameters["projection.dt.format"] == "yyyy/MM/dd" && aws_glue_catalog_table.events.parameters["projection.dt.range"] == "2026/01/01,NOW"
    error_message = "partition projection must cover every day since partition_start_date"
  }
  assert {
    condition     = aws_glue_catalog_table.events.storage_descriptor[0].ser_de_info[0].parameters["ignore.malformed.json"] == "true"
    error_message = "unknown future fields must not fail queries"
  }
  assert {
    condition     = toset([for c in aws_glue_catalog_table.events.storage_descriptor[0].columns : c.name]) == toset(["eventtype", "notificationtype", "mail", "delivery", "bounce", "complaint", "deliverydelay", "reject", "failure", "open", "click"])
    error_message = "the table must expose every detail object the queries read"
  }
}

run "everything_at_rest_uses_the_archive_cmk" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "CMK rotation must be on"
  }
  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" && one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == aws_kms_key.this.arn
    error_message = "the bucket must default to SSE-KMS with the archive key"
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.server_side_encryption[0].key_type == "CUSTOMER_MANAGED_CMK" && aws_kinesis_firehose_delivery_stream.this.server_side_encryption[0].key_arn == aws_kms_key.this.arn
    error_message = "the stream must be encrypted with the archive key"
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == aws_kms_key.this.arn
    error_message = "the error log group must use the archive key"
  }
  assert {
    condition     = aws_athena_workgroup.this.configuration[0].result_configuration[0].encryption_configuration[0].encryption_option == "SSE_KMS" && aws_athena_workgroup.this.configuration[0].enforce_workgroup_configuration
    error_message = "query results must be encrypted with the key, enforced by the workgroup"
  }
  assert {
    condition     = aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy && aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets
    error_message = "the bucket must block every kind of public access"
  }
  assert {
    condition     = jsondecode(aws_s3_bucket_policy.this.policy).Statement[0].Effect == "Deny" && jsondecode(aws_s3_bucket_policy.this.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "the bucket must refuse plain HTTP"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.firehose.policy).Statement[1].Condition.StringEquals["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    error_message = "Firehose may use the key only through S3"
  }
}

run "events_move_to_cheaper_storage_and_are_kept_by_default" {
  command = plan

  assert {
    condition     = toset([for t in aws_s3_bucket_lifecycle_configuration.this.rule[0].transition : "${t.storage_class}@${t.days}"]) == toset(["STANDARD_IA@30", "GLACIER_IR@180"])
    error_message = "events must go to Standard-IA after 30 days and Glacier IR after 180"
  }
  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this.rule[0].expiration) == 0
    error_message = "events must be kept unless archive_retention_days is set"
  }
  assert {
    condition     = { for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id => length(r.expiration) == 0 ? "keep" : tostring(r.expiration[0].days) } == { "events-to-cheaper-storage" = "keep", "abort-incomplete-uploads" = "keep", "expire-athena-results" = "30", "expire-errors" = "90" }
    error_message = "only query results (30 days) and failed records (90 days) expire by default"
  }
}

run "retention_when_set_expires_events" {
  command = plan

  variables {
    archive_retention_days = 1095
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this.rule[0].expiration[0].days == 1095
    error_message = "archive_retention_days must expire archived events"
  }
}

run "named_queries_for_rates_and_message_history" {
  command = plan

  assert {
    condition     = toset(keys(aws_athena_named_query.this)) == toset(["rates_by_domain_and_configuration_set", "message_history"])
    error_message = "the two documented named queries must exist"
  }
  assert {
    condition     = alltrue([for q in aws_athena_named_query.this : strcontains(q.query, "\"ses_test_ses_archive\".\"events\"") && q.database == "ses_test_ses_archive"])
    error_message = "every query must read the archive table"
  }
  assert {
    condition     = strcontains(aws_athena_named_query.this["message_history"].query, "mail.messageid = ? AND dt BETWEEN ? AND ?")
    error_message = "message history must take the message id and a day range as execution parameters"
  }
  assert {
    condition     = alltrue([for term in ["bounce.bouncetype = 'Permanent'", "complaint.complainedrecipients", "GROUP BY configuration_set, domain"] : strcontains(aws_athena_named_query.this["rates_by_domain_and_configuration_set"].query, term)])
    error_message = "rates must count hard bounces and complaints per configuration set and domain"
  }
}

run "ledger_is_off_by_default" {
  command = plan

  assert {
    condition     = length(aws_lambda_function.ledger) == 0 && length(aws_cloudwatch_metric_alarm.no_outcome) == 0 && length(aws_cloudwatch_event_rule.ledger) == 0
    error_message = "the ledger must only exist when ledger_enabled"
  }
}

run "ledger_runs_daily_keeps_its_result_and_alarms" {
  command = plan

  variables {
    ledger_enabled         = true
    ledger_lambda_zip_path = "tests/fixture.zip"
    ledger_alarm_topic_arn = "arn:aws:sns:eu-west-1:111122223333:ses-test-alarms"
  }

  assert {
    condition     = aws_lambda_function.ledger[0].handler == "sesmail.handlers.ledger.handler" && aws_lambda_function.ledger[0].architectures == tolist(["arm64"])
    error_message = "the ledger runs sesmail.handlers.ledger on arm64"
  }
  assert {
    condition     = aws_lambda_function.ledger[0].environment[0].variables == tomap({ ARCHIVE_DATABASE = "ses_test_ses_archive", ARCHIVE_TABLE = "events", ATHENA_WORKGROUP = "ses-test-ses-archive", LEDGER_BUCKET = "ses-test-ses-event-archive-111122223333", LEDGER_METRICS_NAMESPACE = "SesMailPlatform/Ledger", LEDGER_QUERY_TIMEOUT_SECONDS = "240" })
    error_message = "the function must be pointed at this archive's table, workgroup and bucket"
  }
  assert {
    condition     = aws_cloudwatch_event_rule.ledger[0].schedule_expression == "cron(30 0 * * ? *)" && aws_cloudwatch_event_target.ledger[0].arn == aws_lambda_function.ledger[0].arn
    error_message = "the ledger must run daily"
  }
  assert {
    condition     = aws_lambda_permission.ledger[0].principal == "events.amazonaws.com" && aws_lambda_permission.ledger[0].source_arn == aws_cloudwatch_event_rule.ledger[0].arn
    error_message = "only the schedule may invoke the ledger"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.no_outcome[0].metric_name == "NoOutcome24hRate" && aws_cloudwatch_metric_alarm.no_outcome[0].namespace == "SesMailPlatform/Ledger" && aws_cloudwatch_metric_alarm.no_outcome[0].dimensions.ConfigurationSet == "ALL" && aws_cloudwatch_metric_alarm.no_outcome[0].threshold == 0.005
    error_message = "the no-outcome alarm watches the ALL rate the ledger logs"
  }
  assert {
    condition     = alltrue([for d in [aws_cloudwatch_metric_alarm.no_outcome[0].alarm_description, aws_cloudwatch_metric_alarm.ledger_errors[0].alarm_description, aws_cloudwatch_event_rule.ledger[0].description] : endswith(d, "Runbook: docs/runbooks/ledger-no-outcome.md")])
    error_message = "every ledger alarm and rule names its runbook last"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.no_outcome[0].alarm_actions == toset(["arn:aws:sns:eu-west-1:111122223333:ses-test-alarms"])
    error_message = "the alarms notify the given topic"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.ledger[0].policy).Statement[0].Resource == "arn:aws:athena:eu-west-1:111122223333:workgroup/ses-test-ses-archive"
    error_message = "the ledger may query this workgroup only"
  }
  assert {
    condition     = alltrue([for st in jsondecode(aws_iam_role_policy.ledger[0].policy).Statement : !contains(flatten([st.Resource]), "*")])
    error_message = "no wildcard resource in the ledger role"
  }
  assert {
    condition     = contains(jsondecode(aws_kms_key.this.policy).Statement[1].Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"], "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/ses-test-ses-ledger")
    error_message = "the key must let Logs encrypt the ledger's log group"
  }
}

run "ledger_needs_a_zip" {
  command = plan
  variables {
    ledger_enabled = true
  }
  expect_failures = [aws_lambda_function.ledger]
}

# --- one failing run per validation ------------------------------------------------------------

run "rejects_bad_name_prefix" {
  command = plan
  variables {
    name_prefix = "Bad_Prefix"
  }
  expect_failures = [var.name_prefix]
}

run "rejects_bad_account_id" {
  command = plan
  variables {
    account_id = "12345"
  }
  expect_failures = [var.account_id]
}

run "rejects_bad_region" {
  command = plan
  variables {
    region = "europe"
  }
  expect_failures = [var.region]
}

run "rejects_non_topic_arn" {
  command = plan
  variables {
    topic_arn = "arn:aws:sqs:eu-west-1:111122223333:queue"
  }
  expect_failures = [var.topic_arn]
}

run "rejects_ia_before_30_days" {
  command = plan
  variables {
    infrequent_access_after_days = 7
  }
  expect_failures = [var.infrequent_access_after_days]
}

run "rejects_glacier_too_early" {
  command = plan
  variables {
    glacier_after_days = 30
  }
  expect_failures = [var.glacier_after_days]
}

run "rejects_short_retention" {
  command = plan
  variables {
    archive_retention_days = 30
  }
  expect_failures = [var.archive_retention_days]
}

run "rejects_buffering_interval_out_of_range" {
  command = plan
  variables {
    buffering_interval_seconds = 901
  }
  expect_failures = [var.buffering_interval_seconds]
}

run "rejects_buffering_size_out_of_range" {
  command = plan
  variables {
    buffering_size_mb = 0
  }
  expect_failures = [var.buffering_size_mb]
}

run "rejects_bad_partition_start_date" {
  command = plan
  variables {
    partition_start_date = "2026-01-01"
  }
  expect_failures = [var.partition_start_date]
}

run "rejects_tiny_scan_cutoff" {
  command = plan
  variables {
    athena_bytes_scanned_cutoff = 1000
  }
  expect_failures = [var.athena_bytes_scanned_cutoff]
}

run "rejects_log_retention_cloudwatch_refuses" {
  command = plan
  variables {
    log_retention_days = 42
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_glacier_within_30_days_of_ia" {
  command = plan
  variables {
    infrequent_access_after_days = 60
    glacier_after_days           = 75
  }
  expect_failures = [aws_s3_bucket_lifecycle_configuration.this]
}

run "rejects_retention_before_glacier" {
  command = plan
  variables {
    archive_retention_days = 120
  }
  expect_failures = [aws_s3_bucket_lifecycle_configuration.this]
}

run "rejects_bad_schedule" {
  command = plan
  variables {
    ledger_schedule_expression = "every day"
  }
  expect_failures = [var.ledger_schedule_expression]
}

run "rejects_threshold_outside_0_1" {
  command = plan
  variables {
    ledger_no_outcome_rate_threshold = 1.5
  }
  expect_failures = [var.ledger_no_outcome_rate_threshold]
}

run "rejects_non_topic_alarm_sink" {
  command = plan
  variables {
    ledger_alarm_topic_arn = "oncall@example.org"
  }
  expect_failures = [var.ledger_alarm_topic_arn]
}
