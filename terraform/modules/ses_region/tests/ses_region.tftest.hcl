# Offline unit tests: one mock provider per region (the default for the primary, the alias for the
# standby), plan only. Each run picks its region's provider, as the environments do.
mock_provider "aws" {
  override_during = plan

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
  mock_resource "aws_sesv2_email_identity" {
    defaults = {
      arn = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
      dkim_signing_attributes = {
        tokens = ["primarya", "primaryb", "primaryc"]
      }
    }
  }
}

mock_provider "aws" {
  alias           = "standby"
  override_during = plan

  mock_data "aws_region" {
    defaults = {
      name = "eu-central-1"
    }
  }
  mock_resource "aws_sesv2_email_identity" {
    defaults = {
      arn = "arn:aws:ses:eu-central-1:123456789012:identity/example.com"
      dkim_signing_attributes = {
        tokens = ["standbya", "standbyb", "standbyc"]
      }
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-central-1:123456789012:key/00000000-0000-0000-0000-000000000000"
      key_id = "00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-central-1:123456789012:ses-test-ses-events"
    }
  }
  mock_resource "aws_sns_topic_subscription" {
    defaults = {
      topic_arn = "arn:aws:sns:eu-central-1:123456789012:ses-test-ses-events"
    }
  }
}

variables {
  name_prefix = "ses-test"
  account_id  = "123456789012"
  configuration_sets = {
    transactional = {}
    marketing     = { event_types = ["SEND", "BOUNCE", "COMPLAINT", "DELIVERY", "REJECT"] }
  }
  sending_domains = {
    "example.com" = {
      configuration_set = "transactional"
      route53_zone_id   = "Z0123456789ABCDEFGHIJ"
      dmarc             = { policy = "quarantine" }
    }
  }
}

run "primary_region_publishes_to_the_pipeline_topic_and_creates_no_topic" {
  command = plan

  variables {
    region          = "eu-west-1"
    event_topic_arn = "arn:aws:sns:eu-west-1:123456789012:ses-test-ses-events"
  }

  assert {
    condition     = length(aws_sns_topic.events) == 0 && length(aws_kms_key.events) == 0 && length(aws_sqs_queue.subscription_dlq) == 0 && length(aws_sns_topic_subscription.primary_queue) == 0
    error_message = "the primary region uses the pipeline's topic: no topic, key, DLQ or subscription of its own"
  }
  assert {
    condition     = output.event_topic_arn == "arn:aws:sns:eu-west-1:123456789012:ses-test-ses-events"
    error_message = "the primary's destinations publish to the pipeline's topic"
  }
  assert {
    condition     = output.configuration_set_names == ["ses-test-marketing", "ses-test-transactional"]
    error_message = "configuration sets are <name_prefix>-<key>"
  }
  assert {
    condition     = toset(module.ses_configuration_set["marketing"].event_types) == toset(["SEND", "BOUNCE", "COMPLAINT", "DELIVERY", "REJECT"]) && length(module.ses_configuration_set["transactional"].event_types) == 8 && !contains(module.ses_configuration_set["transactional"].event_types, "OPEN")
    error_message = "event types pass through (null = all ten, less OPEN and CLICK without engagement tracking: decision 0102)"
  }
  assert {
    condition     = output.mail_from_domains == { "example.com" = "bounce.example.com" }
    error_message = "the primary keeps its MAIL FROM names"
  }
  assert {
    condition     = contains(keys(module.ses_domain["example.com"].route53_record_fqdns), "dmarc")
    error_message = "the primary publishes DMARC"
  }
}

run "standby_region_mirrors_the_sets_with_its_own_topic_into_the_primary_queue" {
  command = plan

  providers = {
    aws = aws.standby
  }

  variables {
    region                          = "eu-central-1"
    event_topic_enabled             = true
    event_queue_arn                 = "arn:aws:sqs:eu-west-1:123456789012:ses-test-ses-events"
    mail_from_region_suffix_enabled = true
    dmarc_enabled                   = false
    # External DNS here, so the records the standby needs are listed in full (its own Easy DKIM tokens)
    sending_domains = {
      "example.com" = {
        configuration_set = "transactional"
        dmarc             = { policy = "quarantine" }
      }
    }
  }

  assert {
    condition     = output.configuration_set_names == ["ses-test-marketing", "ses-test-transactional"]
    error_message = "the standby's configuration sets have the primary's names"
  }
  assert {
    condition     = toset(module.ses_configuration_set["marketing"].event_types) == toset(["SEND", "BOUNCE", "COMPLAINT", "DELIVERY", "REJECT"])
    error_message = "the standby publishes the same event types"
  }
  assert {
    condition     = aws_sns_topic_subscription.primary_queue[0].endpoint == "arn:aws:sqs:eu-west-1:123456789012:ses-test-ses-events" && aws_sns_topic_subscription.primary_queue[0].protocol == "sqs" && aws_sns_topic_subscription.primary_queue[0].raw_message_delivery
    error_message = "the standby topic delivers raw events into the primary's queue"
  }
  assert {
    condition     = jsondecode(aws_sns_topic_subscription.primary_queue[0].redrive_policy).deadLetterTargetArn == "arn:aws:sqs:eu-central-1:123456789012:ses-test-ses-events-sns-dlq"
    error_message = "what SNS cannot deliver goes to the standby region's own DLQ"
  }
  assert {
    condition     = aws_sqs_queue.subscription_dlq[0].kms_master_key_id == aws_kms_key.events[0].arn && aws_sns_topic.events[0].kms_master_key_id == aws_kms_key.events[0].arn && aws_kms_key.events[0].enable_key_rotation
    error_message = "topic and DLQ use the region's own rotating CMK"
  }
  assert {
    condition = one([for s in jsondecode(aws_kms_key.events[0].policy).Statement : s if s.Sid == "SesPublishesToEncryptedTopic"]).Condition == {
      StringEquals = { "kms:EncryptionContext:aws:sns:topicArn" = "arn:aws:sns:eu-central-1:123456789012:ses-test-ses-events" }
    }
    error_message = "SES is pinned on the key by the SNS encryption context only (decision 0072)"
  }
  assert {
    condition = one([for s in jsondecode(aws_sns_topic_policy.events[0].policy).Statement : s if s.Sid == "SesPublishFromOurConfigurationSets"]).Condition.ArnEquals["aws:SourceArn"] == [
      "arn:aws:ses:eu-central-1:123456789012:configuration-set/ses-test-marketing",
      "arn:aws:ses:eu-central-1:123456789012:configuration-set/ses-test-transactional",
    ]
    error_message = "only this region's configuration sets may publish"
  }
  assert {
    condition     = one([for s in jsondecode(aws_sqs_queue.subscription_dlq[0].policy).Statement : s if s.Sid == "OurTopicDeadLetters"]).Condition == { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:eu-central-1:123456789012:ses-test-ses-events" } }
    error_message = "only the standby topic may dead-letter into its DLQ"
  }
  assert {
    condition     = output.mail_from_domains == { "example.com" = "bounce-eu-central-1.example.com" }
    error_message = "the standby has its own MAIL FROM name"
  }
  assert {
    condition = [for r in output.dns_records["example.com"] : [r.name, r.type, r.values]] == [
      ["standbya._domainkey.example.com", "CNAME", ["standbya.dkim.amazonses.com"]],
      ["standbyb._domainkey.example.com", "CNAME", ["standbyb.dkim.amazonses.com"]],
      ["standbyc._domainkey.example.com", "CNAME", ["standbyc.dkim.amazonses.com"]],
      ["bounce-eu-central-1.example.com", "MX", ["10 feedback-smtp.eu-central-1.amazonses.com"]],
      ["bounce-eu-central-1.example.com", "TXT", ["v=spf1 include:amazonses.com ~all"]],
    ]
    error_message = "the standby publishes its own DKIM tokens and MAIL FROM records, and no DMARC"
  }
  assert {
    condition     = output.event_topic_arn == "arn:aws:sns:eu-central-1:123456789012:ses-test-ses-events" && output.subscription_dlq_name == "ses-test-ses-events-sns-dlq"
    error_message = "outputs name the standby's topic and DLQ (plan-known, for the primary's policies and the alarms)"
  }
}

run "rejects_a_standby_without_a_queue_to_deliver_to" {
  command = plan

  providers = {
    aws = aws.standby
  }

  variables {
    region              = "eu-central-1"
    event_topic_enabled = true
  }

  expect_failures = [aws_kms_key.events]
}

run "rejects_an_unnamed_configuration_set_key" {
  command = plan

  variables {
    region             = "eu-west-1"
    event_topic_arn    = "arn:aws:sns:eu-west-1:123456789012:ses-test-ses-events"
    configuration_sets = { "Not_Valid" = {} }
    sending_domains    = {}
  }

  expect_failures = [var.configuration_sets]
}
