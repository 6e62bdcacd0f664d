# SES -> SNS topic -> SQS queue (+ DLQ) -> persister Lambda -> DynamoDB, all encrypted with one CMK.
# Every ARN used in a policy is built from names, account and region, so policies are known at plan
# time and no resource depends on another only to read its ARN (no cycles between key and users).
locals {
  partition  = "aws"
  topic_name = "${var.name_prefix}-ses-events"
  queue_name = "${var.name_prefix}-ses-events"
  dlq_name   = "${var.name_prefix}-ses-events-dlq"
  # What SNS could not deliver to the queue (a different failure from the persister's DLQ above).
  subscription_dlq_name = "${var.name_prefix}-ses-events-sns-dlq"
  function_name         = "${var.name_prefix}-event-persister"
  table_name            = "${var.name_prefix}-ses-events"
  log_group             = "/aws/lambda/${local.function_name}"

  arn_prefix = {
    for service in ["sns", "sqs", "ses", "logs", "dynamodb", "lambda"] :
    service => "arn:${local.partition}:${service}:${var.region}:${var.account_id}"
  }
  topic_arn            = "${local.arn_prefix.sns}:${local.topic_name}"
  queue_arn            = "${local.arn_prefix.sqs}:${local.queue_name}"
  dlq_arn              = "${local.arn_prefix.sqs}:${local.dlq_name}"
  subscription_dlq_arn = "${local.arn_prefix.sqs}:${local.subscription_dlq_name}"
  table_arn            = "${local.arn_prefix.dynamodb}:table/${local.table_name}"
  log_group_arn        = "${local.arn_prefix.logs}:log-group:${local.log_group}"
  configuration_sets   = [for name in var.configuration_set_names : "${local.arn_prefix.ses}:configuration-set/${name}"]
}

# --- SNS: the SES event destination -----------------------------------------------------------------

resource "aws_sns_topic" "this" {
  name              = local.topic_name
  kms_master_key_id = aws_kms_key.this.arn
  tags              = var.tags
}

# Topic, subscription DLQ and key statements shared with a standby region's topic (ses_region).
module "topic_policies" {
  source = "../event_topic_policies"

  account_id             = var.account_id
  partition              = local.partition
  topic_arn              = local.topic_arn
  configuration_set_arns = local.configuration_sets
  subscription_dlq_arn   = local.subscription_dlq_arn
}

locals {
  deny_insecure_transport = module.topic_policies.deny_insecure_transport
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = module.topic_policies.topic_policy
}

# Raw delivery: the SQS body is the SES event JSON itself (see docs/decisions/0020-raw-sns-delivery.md).
# When SNS cannot deliver (queue or key policy denial, retries exhausted) it would discard the event:
# the redrive policy keeps it in the subscription DLQ instead, which pages (alarms module) and can be
# replayed into the queue (scripts/replay_events.py).
resource "aws_sns_topic_subscription" "queue" {
  topic_arn            = aws_sns_topic.this.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.this.arn
  raw_message_delivery = true
  redrive_policy       = jsonencode({ deadLetterTargetArn = local.subscription_dlq_arn })

  # The ARN above is built from names (plan-known); the queue itself must exist before SNS uses it.
  depends_on = [aws_sqs_queue.subscription_dlq]
}

resource "aws_sqs_queue" "subscription_dlq" {
  name                              = local.subscription_dlq_name
  message_retention_seconds         = 1209600 # 14 days, the SQS maximum
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300

  # SNS moves undeliverable messages here on behalf of our topic only (aws:SourceArn, as for the queue).
  policy = module.topic_policies.subscription_dlq_policy

  tags = var.tags
}

# --- SQS: buffer between SNS and the persister --------------------------------------------------------

resource "aws_sqs_queue" "dlq" {
  name                              = local.dlq_name
  message_retention_seconds         = 1209600 # 14 days, the SQS maximum: time to find and fix the cause
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300

  # The DLQ holds the same personal data as the queue: plain-HTTP access is refused here too.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(local.deny_insecure_transport, {
      Action   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
      Resource = local.dlq_arn
    })]
  })

  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  name                              = local.queue_name
  visibility_timeout_seconds        = var.queue_visibility_timeout_seconds
  message_retention_seconds         = var.queue_message_retention_seconds
  receive_wait_time_seconds         = 20
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  # Inline rather than a separate aws_sqs_queue_policy: the queue is never reachable without its
  # policy, and one fewer resource means one fewer ~25 s SQS attribute-propagation wait per apply.
  policy = jsonencode(local.queue_policy)

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.queue_visibility_timeout_seconds >= 6 * var.lambda_timeout_seconds
      error_message = "queue_visibility_timeout_seconds must be at least 6x lambda_timeout_seconds, or in-flight batches reappear and are processed twice."
    }
  }
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  count = var.redrive_allow_policy_enabled ? 1 : 0

  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

locals {
  # A standby region's event topic delivers into this queue too (one table holds every region's
  # events). A separate statement, present only then, so a single-region plan stays as it was.
  cross_region_delivery = length(var.cross_region_topic_arns) == 0 ? [] : [{
    Sid       = "OtherRegionsTopicsDeliver"
    Effect    = "Allow"
    Principal = { Service = "sns.amazonaws.com" }
    Action    = "sqs:SendMessage"
    Resource  = local.queue_arn
    Condition = { ArnEquals = { "aws:SourceArn" = var.cross_region_topic_arns } }
  }]

  queue_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "OurTopicDelivers"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = local.queue_arn
        Condition = { ArnEquals = { "aws:SourceArn" = local.topic_arn } }
      },
      merge(local.deny_insecure_transport, {
        Action   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = local.queue_arn
      }),
    ], local.cross_region_delivery)
  }
}

