# Offline unit tests: no resources and no provider calls (the module only builds documents), plan only.
variables {
  account_id             = "123456789012"
  topic_arn              = "arn:aws:sns:eu-central-1:123456789012:ses-test-ses-events"
  configuration_set_arns = ["arn:aws:ses:eu-central-1:123456789012:configuration-set/ses-test-transactional"]
  subscription_dlq_arn   = "arn:aws:sqs:eu-central-1:123456789012:ses-test-ses-events-sns-dlq"
}

run "ses_publishes_only_from_our_configuration_sets_over_tls" {
  command = plan

  assert {
    condition = jsondecode(output.topic_policy).Statement[0].Condition == {
      StringEquals = { "aws:SourceAccount" = "123456789012" }
      ArnEquals    = { "aws:SourceArn" = ["arn:aws:ses:eu-central-1:123456789012:configuration-set/ses-test-transactional"] }
    }
    error_message = "SES is pinned by account and configuration sets on the topic"
  }
  assert {
    condition     = jsondecode(output.topic_policy).Statement[1].Effect == "Deny" && jsondecode(output.topic_policy).Statement[1].Condition == { Bool = { "aws:SecureTransport" = "false" } }
    error_message = "plain HTTP is denied on the topic"
  }
}

run "only_the_topic_dead_letters_into_the_dlq" {
  command = plan

  assert {
    condition     = jsondecode(output.subscription_dlq_policy).Statement[0].Condition == { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:eu-central-1:123456789012:ses-test-ses-events" } }
    error_message = "the DLQ accepts this topic only"
  }
  assert {
    condition     = jsondecode(output.subscription_dlq_policy).Statement[0].Resource == "arn:aws:sqs:eu-central-1:123456789012:ses-test-ses-events-sns-dlq"
    error_message = "the DLQ policy names the DLQ"
  }
}

run "key_statements_pin_every_service_to_the_topic" {
  command = plan

  assert {
    condition     = [for s in output.key_statements : s.Sid] == ["AccountRootManagesKeyThroughIam", "SesPublishesToEncryptedTopic", "SnsDeliversToEncryptedQueue"]
    error_message = "root, SES and SNS statements, in that order"
  }
  assert {
    condition     = output.key_statements[1].Condition == { StringEquals = { "kms:EncryptionContext:aws:sns:topicArn" = "arn:aws:sns:eu-central-1:123456789012:ses-test-ses-events" } }
    error_message = "SES is pinned by the SNS encryption context only (decision 0072)"
  }
  assert {
    condition     = length([for s in output.key_statements : s if s.Action == "kms:*"]) == 1 && output.key_statements[0].Principal == { AWS = "arn:aws:iam::123456789012:root" }
    error_message = "only the root statement uses kms:*"
  }
}

run "rejects_no_configuration_set" {
  command = plan

  variables {
    configuration_set_arns = []
  }

  expect_failures = [var.configuration_set_arns]
}

run "rejects_a_queue_arn_as_topic" {
  command = plan

  variables {
    topic_arn = "arn:aws:sqs:eu-central-1:123456789012:not-a-topic"
  }

  expect_failures = [var.topic_arn]
}
