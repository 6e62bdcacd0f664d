# The policy documents of an SES event topic, its subscription dead-letter queue and its key, built
# from ARNs alone (no resources, no provider calls): the event pipeline's topic (primary region) and a
# standby region's topic (ses_region) get the same statements from one place. Each statement's
# reasoning: docs/decisions/0071-no-silent-loss-above-the-queue.md (subscription DLQ),
# 0072-ses-topic-key-condition.md (SES on the key), 0073-standby-region.md (standby topic).
locals {
  deny_insecure_transport = {
    Sid       = "DenyInsecureTransport"
    Effect    = "Deny"
    Principal = { AWS = "*" }
    Condition = { Bool = { "aws:SecureTransport" = "false" } }
  }

  # In a key policy, Resource "*" means "this key". Only the root statement uses kms:*, which
  # delegates to IAM policies in this account; each service statement is pinned to this topic.
  key_statements = [
    {
      Sid       = "AccountRootManagesKeyThroughIam"
      Effect    = "Allow"
      Principal = { AWS = "arn:${var.partition}:iam::${var.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    },
    {
      # SES encrypts the event notifications it publishes to the encrypted topic. AWS documents no
      # aws:SourceArn/aws:SourceAccount on this KMS call, and a condition on a key the caller does not
      # send denies it: every event would be lost. SNS always sends the topic ARN as encryption
      # context, so that pins the statement to this topic (docs/decisions/0072-ses-topic-key-condition.md).
      # Which configuration sets may publish is the topic policy's job (aws:SourceArn there is documented).
      Sid       = "SesPublishesToEncryptedTopic"
      Effect    = "Allow"
      Principal = { Service = "ses.amazonaws.com" }
      Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
      Resource  = "*"
      Condition = { StringEquals = { "kms:EncryptionContext:aws:sns:topicArn" = var.topic_arn } }
    },
    {
      # SNS delivers into the encrypted queues (the event queue, the subscription DLQ) for this topic only.
      Sid       = "SnsDeliversToEncryptedQueue"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
        ArnEquals    = { "aws:SourceArn" = var.topic_arn }
      }
    },
  ]

  topic_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "SesPublishFromOurConfigurationSets"
        Effect    = "Allow"
        Principal = { Service = "ses.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = var.topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.account_id }
          ArnEquals    = { "aws:SourceArn" = var.configuration_set_arns }
        }
      },
      merge(local.deny_insecure_transport, { Action = ["sns:Publish", "sns:Subscribe"], Resource = var.topic_arn }),
    ]
  }

  # SNS moves undeliverable messages here on behalf of this topic only (aws:SourceArn, as for the queue).
  subscription_dlq_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "OurTopicDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = var.subscription_dlq_arn
        Condition = { ArnEquals = { "aws:SourceArn" = var.topic_arn } }
      },
      merge(local.deny_insecure_transport, {
        Action   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = var.subscription_dlq_arn
      }),
    ]
  }
}
