# The durable outbox behind client-side failover (decision 0070): senders queue a mail here when no SES
# region accepts it; the replay Lambda drains it through the same failover library, re-enqueueing a
# still-failing mail (delayed) and parking what needs a person. One CMK for the queues, the function's
# environment and its log group: the outbox holds whole mails (personal data).
locals {
  partition       = "aws"
  function_name   = "${var.name_prefix}-outbox-replay"
  queue_name      = "${var.name_prefix}-outbox"
  dlq_name        = "${var.name_prefix}-outbox-dlq"
  parked_name     = "${var.name_prefix}-outbox-parked"
  log_group_name  = "/aws/lambda/${local.function_name}"
  log_group_arn   = "arn:${local.partition}:logs:${var.region}:${var.account_id}:log-group:${local.log_group_name}"
  queue_arn       = "arn:${local.partition}:sqs:${var.region}:${var.account_id}:${local.queue_name}"
  dlq_arn         = "arn:${local.partition}:sqs:${var.region}:${var.account_id}:${local.dlq_name}"
  parked_arn      = "arn:${local.partition}:sqs:${var.region}:${var.account_id}:${local.parked_name}"
  sending_regions = compact([var.region, var.standby_region])

  key_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountRootManagesKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${var.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*" # in a key policy, "this key"
      },
      {
        Sid       = "LogsEncryptsTheReplayLogGroup"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action = [
          "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
          "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
        ]
        Resource  = "*"
        Condition = { ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = local.log_group_arn } }
      },
    ]
  }

  deny_insecure_transport = {
    Sid       = "DenyInsecureTransport"
    Effect    = "Deny"
    Principal = "*"
    Condition = { Bool = { "aws:SecureTransport" = "false" } }
  }
}

resource "aws_kms_key" "this" {
  description             = "${local.queue_name}: outbox queues, replay function environment and logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode(local.key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.queue_name}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_sqs_queue" "dlq" {
  name                              = local.dlq_name
  message_retention_seconds         = 1209600 # 14 days, the SQS maximum: time to find and fix the cause
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [merge(local.deny_insecure_transport, { Action = "sqs:*", Resource = local.dlq_arn })]
  })
  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  name                              = local.queue_name
  visibility_timeout_seconds        = 6 * var.function.timeout_seconds # AWS's advice for an SQS-triggered function
  message_retention_seconds         = 1209600                          # 14 days: an outage plus a weekend
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300

  # The worker re-enqueues a failing mail itself, so a redrive here means the function crashed on it.
  # Built from names (plan-known); the DLQ itself must exist first.
  redrive_policy = jsonencode({ deadLetterTargetArn = local.dlq_arn, maxReceiveCount = var.max_receive_count })
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [merge(local.deny_insecure_transport, { Action = "sqs:*", Resource = local.queue_arn })]
  })
  tags = var.tags

  depends_on = [aws_sqs_queue.dlq]
}

# Mail a person must decide on (ambiguous outcome, expired, rejected, malformed): never consumed by
# a function, so never redriven; 14 days to act (runbook outbox-parked-not-empty).
resource "aws_sqs_queue" "parked" {
  name                              = local.parked_name
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [merge(local.deny_insecure_transport, { Action = "sqs:*", Resource = local.parked_arn })]
  })
  tags = var.tags
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}
