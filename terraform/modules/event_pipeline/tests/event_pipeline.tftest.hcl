# Offline unit tests: mock provider, plan only. Policies are jsonencode()d from names, account and
# region, so they are fully known at plan time and asserted here statement by statement.
mock_provider "aws" {
  override_during = plan

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000"
      key_id = "00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:111122223333:mock-queue"
      url = "https://sqs.eu-west-1.amazonaws.com/111122223333/mock-queue"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:111122223333:mock-topic"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/mock"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:eu-west-1:111122223333:function:mock"
    }
  }
}

variables {
  name_prefix             = "ses-test"
  account_id              = "111122223333"
  region                  = "eu-west-1"
  configuration_set_names = ["transactional", "marketing"]
  lambda_zip_path         = "tests/fixture.zip"
  powertools_layer_arn    = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7"
}

run "everything_at_rest_uses_the_cmk" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "CMK rotation must be on"
  }
  assert {
    condition     = aws_sns_topic.this.kms_master_key_id == aws_kms_key.this.arn
    error_message = "topic must use the CMK"
  }
  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == aws_kms_key.this.arn && aws_sqs_queue.dlq.kms_master_key_id == aws_kms_key.this.arn
    error_message = "queue and DLQ must use the CMK"
  }
  assert {
    condition     = aws_dynamodb_table.this.server_side_encryption[0].enabled && aws_dynamodb_table.this.server_side_encryption[0].kms_key_arn == aws_kms_key.this.arn
    error_message = "table must use the CMK"
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == aws_kms_key.this.arn && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "log group must use the CMK and keep the default retention"
  }
  assert {
    condition     = aws_lambda_function.this.kms_key_arn == aws_kms_key.this.arn
    error_message = "Lambda environment must be encrypted with the CMK"
  }
}

run "key_policy_only_root_uses_kms_star_and_services_are_pinned" {
  command = plan

  assert {
    condition = alltrue([
      for s in jsondecode(aws_kms_key.this.policy).Statement :
      s.Sid == "AccountRootManagesKeyThroughIam" ? s.Action == "kms:*" && s.Principal.AWS == "arn:aws:iam::111122223333:root" : (
        !contains(flatten([s.Action]), "kms:*") && length(keys(s.Condition)) > 0
      )
    ])
    error_message = "only the root statement may use kms:*, every other statement needs conditions"
  }
  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Condition
      if s.Principal == { Service = "ses.amazonaws.com" }
    ]) == { StringEquals = { "kms:EncryptionContext:aws:sns:topicArn" = "arn:aws:sns:eu-west-1:111122223333:ses-test-ses-events" } }
    error_message = "SES may use the key only for the event topic, pinned by the encryption context SNS always sends"
  }
  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]
      if s.Principal == { Service = "logs.eu-west-1.amazonaws.com" }
    ]) == "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/ses-test-event-persister"
    error_message = "Logs may use the key only for the persister's log group"
  }
}

run "topic_accepts_ses_only_from_our_account_and_configuration_sets" {
  command = plan

  assert {
    condition = jsondecode(aws_sns_topic_policy.this.policy).Statement[0] == {
      Sid       = "SesPublishFromOurConfigurationSets"
      Effect    = "Allow"
      Principal = { Service = "ses.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:eu-west-1:111122223333:ses-test-ses-events"
      Condition = {
        StringEquals = { "aws:SourceAccount" = "111122223333" }
        ArnEquals = { "aws:SourceArn" = [
          "arn:aws:ses:eu-west-1:111122223333:configuration-set/transactional",
          "arn:aws:ses:eu-west-1:111122223333:configuration-set/marketing",
        ] }
      }
    }
    error_message = "topic policy must pin SES by SourceAccount and SourceArn"
  }
  assert {
    condition     = aws_sns_topic_subscription.queue.protocol == "sqs" && aws_sns_topic_subscription.queue.raw_message_delivery
    error_message = "queue subscribes with raw message delivery"
  }
}

run "queue_accepts_only_our_topic_and_redrives_to_the_dlq" {
  command = plan

  assert {
    condition = jsondecode(aws_sqs_queue.this.policy).Statement[0] == {
      Sid       = "OurTopicDelivers"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = "arn:aws:sqs:eu-west-1:111122223333:ses-test-ses-events"
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:eu-west-1:111122223333:ses-test-ses-events" } }
    }
    error_message = "queue policy must allow only our topic"
  }
  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy) == { deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 5 }
    error_message = "redrive policy must target the DLQ with maxReceiveCount 5 by default"
  }
  assert {
    condition     = aws_sqs_queue.dlq.message_retention_seconds == 1209600
    error_message = "DLQ keeps messages 14 days"
  }
  assert {
    condition     = jsondecode(aws_sqs_queue_redrive_allow_policy.dlq[0].redrive_allow_policy) == { redrivePermission = "byQueue", sourceQueueArns = [aws_sqs_queue.this.arn] }
    error_message = "only the event queue may use the DLQ"
  }
  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds >= 6 * aws_lambda_function.this.timeout
    error_message = "visibility timeout must be >= 6x the Lambda timeout"
  }
}

run "persister_function_and_event_source_mapping" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.12" && aws_lambda_function.this.architectures == tolist(["arm64"]) && aws_lambda_function.this.handler == "sesmail.handlers.persister.handler"
    error_message = "runtime/architecture/handler contract"
  }
  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active" && aws_lambda_function.this.reserved_concurrent_executions == 10
    error_message = "X-Ray active and reserved concurrency set"
  }
  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("tests/fixture.zip")
    error_message = "source_code_hash comes from the zip"
  }
  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      EVENTS_TABLE_NAME            = "ses-test-ses-events"
      EVENT_RETENTION_DAYS         = "90"
      STORE_SUBJECT                = "false"
      POWERTOOLS_SERVICE_NAME      = "ses-event-persister"
      POWERTOOLS_METRICS_NAMESPACE = "SesMailPlatform"
      POWERTOOLS_LOG_LEVEL         = "INFO"
    })
    error_message = "environment contract"
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "ESM must report batch item failures"
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this.batch_size == 25 && aws_lambda_event_source_mapping.this.maximum_batching_window_in_seconds == 5 && aws_lambda_event_source_mapping.this.scaling_config[0].maximum_concurrency == 5
    error_message = "ESM batching and maximum concurrency"
  }
}

run "persister_role_is_least_privilege" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role_policy.this.policy).Statement == [
      {
        Sid      = "WriteEvents"
        Effect   = "Allow"
        Action   = ["dynamodb:BatchWriteItem"]
        Resource = "arn:aws:dynamodb:eu-west-1:111122223333:table/ses-test-ses-events"
      },
      {
        Sid      = "ConsumeQueue"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        Resource = "arn:aws:sqs:eu-west-1:111122223333:ses-test-ses-events"
      },
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/ses-test-event-persister:log-stream:*"
      },
      {
        Sid      = "UploadTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
    ]
    error_message = "persister role policy drifted from least privilege"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.kms.policy).Statement == [{
      Sid       = "DecryptThroughServices"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000"
      Condition = { StringEquals = { "kms:ViaService" = ["sqs.eu-west-1.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com", "lambda.eu-west-1.amazonaws.com"] } }
    }]
    error_message = "the persister only decrypts (SQS consumer, DynamoDB, Lambda environment): no GenerateDataKey"
  }
}

run "table_is_on_demand_with_pitr_ttl_and_index" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.this.point_in_time_recovery[0].enabled && aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "on-demand, PITR and deletion protection by default"
  }
  assert {
    condition     = aws_dynamodb_table.this.ttl[0].attribute_name == "expires_at" && aws_dynamodb_table.this.ttl[0].enabled
    error_message = "TTL on expires_at"
  }
  assert {
    condition     = { for g in aws_dynamodb_table.this.global_secondary_index : g.name => [g.hash_key, g.range_key, g.projection_type] } == { "recipient-index" = ["recipient", "event_at", "INCLUDE"], "ref-index" = ["ref", "event_at", "KEYS_ONLY"] }
    error_message = "recipient index and ref index"
  }
}

run "rejects_visibility_timeout_below_six_times_lambda_timeout" {
  command = plan
  variables {
    lambda_timeout_seconds           = 60
    queue_visibility_timeout_seconds = 300
  }
  expect_failures = [aws_sqs_queue.this]
}

run "rejects_large_batch_without_batching_window" {
  command = plan
  variables {
    batch_size                      = 50
    maximum_batching_window_seconds = 0
  }
  expect_failures = [aws_lambda_event_source_mapping.this]
}

run "rejects_esm_concurrency_above_reserved" {
  command = plan
  variables {
    maximum_concurrency  = 20
    reserved_concurrency = 10
  }
  expect_failures = [aws_lambda_event_source_mapping.this]
}

run "rejects_bad_account_id" {
  command = plan
  variables {
    account_id = "1234"
  }
  expect_failures = [var.account_id]
}

run "rejects_empty_configuration_sets" {
  command = plan
  variables {
    configuration_set_names = []
  }
  expect_failures = [var.configuration_set_names]
}

run "rejects_unversioned_layer_arn" {
  command = plan
  variables {
    powertools_layer_arn = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64"
  }
  expect_failures = [var.powertools_layer_arn]
}

run "rejects_max_receive_count_zero" {
  command = plan
  variables {
    max_receive_count = 0
  }
  expect_failures = [var.max_receive_count]
}

run "rejects_unsupported_log_retention" {
  command = plan
  variables {
    log_retention_days = 45
  }
  expect_failures = [var.log_retention_days]
}

run "emulator_mode_drops_layer_and_redrive_allow_policy" {
  command = plan
  variables {
    powertools_layer_arn         = null
    redrive_allow_policy_enabled = false
  }

  assert {
    condition     = length(aws_lambda_function.this.layers) == 0 && length(aws_sqs_queue_redrive_allow_policy.dlq) == 0
    error_message = "local emulator mode: no layer, no redrive-allow policy"
  }
}
