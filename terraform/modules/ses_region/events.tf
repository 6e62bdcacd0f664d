# A standby region's event topic (only when event_topic_enabled): SES in this region publishes to
# it, and it delivers straight into the primary region's event queue (cross-region SNS -> SQS), so the
# persister and the one event table see every region's events. What SNS cannot deliver stays in this
# region's subscription dead-letter queue: SNS requires the DLQ in the subscription's own account and
# region (decision 0073). A topic and a queue in this region need a key in this region: KMS keys are
# regional, so the pipeline's key cannot serve them.
#
# The statements mirror the primary's (event_pipeline) and its decisions: SES is pinned on the key by
# the SNS encryption context (0072), on the topic by aws:SourceArn = this region's configuration sets,
# SNS by aws:SourceArn = this topic; plain-HTTP access is denied.
locals {
  partition             = "aws"
  topic_name            = "${var.name_prefix}-ses-events"
  subscription_dlq_name = "${var.name_prefix}-ses-events-sns-dlq"
  topic_arn             = "arn:${local.partition}:sns:${var.region}:${var.account_id}:${local.topic_name}"
  subscription_dlq_arn  = "arn:${local.partition}:sqs:${var.region}:${var.account_id}:${local.subscription_dlq_name}"
  configuration_set_arns = [
    for name in values(local.configuration_set_names) : "arn:${local.partition}:ses:${var.region}:${var.account_id}:configuration-set/${name}"
  ]

  deny_insecure_transport = {
    Sid       = "DenyInsecureTransport"
    Effect    = "Deny"
    Principal = { AWS = "*" }
    Condition = { Bool = { "aws:SecureTransport" = "false" } }
  }

  events_key_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountRootManagesKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${var.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "SesPublishesToEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "ses.amazonaws.com" }
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:EncryptionContext:aws:sns:topicArn" = local.topic_arn } }
      },
      {
        # Only the subscription DLQ uses this key on SNS's behalf (the queue it delivers to is the
        # primary's, under the pipeline key, whose policy names this topic: cross_region_topic_arns).
        Sid       = "SnsDeliversToEncryptedDeadLetterQueue"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.account_id }
          ArnEquals    = { "aws:SourceArn" = local.topic_arn }
        }
      },
    ]
  }
}

resource "aws_kms_key" "events" {
  count = local.creates_event_topic ? 1 : 0

  description             = "${var.name_prefix} SES event topic and its subscription DLQ in ${var.region}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode(local.events_key_policy)
  tags                    = var.tags

  lifecycle {
    precondition {
      condition     = var.event_queue_arn != null
      error_message = "event_topic_enabled needs event_queue_arn (the primary's event queue) to deliver to."
    }
  }
}

resource "aws_kms_alias" "events" {
  count = local.creates_event_topic ? 1 : 0

  name          = "alias/${var.name_prefix}-ses-events"
  target_key_id = aws_kms_key.events[0].key_id
}

resource "aws_sns_topic" "events" {
  count = local.creates_event_topic ? 1 : 0

  name              = local.topic_name
  kms_master_key_id = aws_kms_key.events[0].arn
  tags              = var.tags
}

resource "aws_sns_topic_policy" "events" {
  count = local.creates_event_topic ? 1 : 0

  arn = aws_sns_topic.events[0].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "SesPublishFromOurConfigurationSets"
        Effect    = "Allow"
        Principal = { Service = "ses.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = local.topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.account_id }
          ArnEquals    = { "aws:SourceArn" = local.configuration_set_arns }
        }
      },
      merge(local.deny_insecure_transport, { Action = ["sns:Publish", "sns:Subscribe"], Resource = local.topic_arn }),
    ]
  })
}

resource "aws_sqs_queue" "subscription_dlq" {
  count = local.creates_event_topic ? 1 : 0

  name                              = local.subscription_dlq_name
  message_retention_seconds         = 1209600 # 14 days, the SQS maximum
  kms_master_key_id                 = aws_kms_key.events[0].arn
  kms_data_key_reuse_period_seconds = 300

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "OurTopicDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = local.subscription_dlq_arn
        Condition = { ArnEquals = { "aws:SourceArn" = local.topic_arn } }
      },
      merge(local.deny_insecure_transport, {
        Action   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = local.subscription_dlq_arn
      }),
    ]
  })

  tags = var.tags
}

# Raw delivery, as in the primary (decision 0020): the persister reads the SES event JSON itself.
# Created by this region's provider: a subscription lives in its topic's region (SNS cross-region
# delivery). The primary's queue policy and key must already name this topic (the environment passes
# it to event_pipeline as cross_region_topic_arns).
resource "aws_sns_topic_subscription" "primary_queue" {
  count = local.creates_event_topic ? 1 : 0

  topic_arn            = aws_sns_topic.events[0].arn
  protocol             = "sqs"
  endpoint             = var.event_queue_arn
  raw_message_delivery = true
  redrive_policy       = jsonencode({ deadLetterTargetArn = local.subscription_dlq_arn })

  # SES may publish only once the policy allows it, and SNS dead-letters only into a queue that exists.
  depends_on = [aws_sns_topic_policy.events, aws_sqs_queue.subscription_dlq]
}
