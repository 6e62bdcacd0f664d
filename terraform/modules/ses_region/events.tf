# A standby region's event topic (only when event_topic_enabled): SES in this region publishes to
# it, and it delivers straight into the primary region's event queue (cross-region SNS -> SQS), so the
# persister and the one event table see every region's events. What SNS cannot deliver stays in this
# region's subscription dead-letter queue: SNS requires the DLQ in the subscription's own account and
# region (decision 0073). A topic and a queue in this region need a key in this region: KMS keys are
# regional, so the pipeline's key cannot serve them.
locals {
  partition             = "aws"
  topic_name            = "${var.name_prefix}-ses-events"
  subscription_dlq_name = "${var.name_prefix}-ses-events-sns-dlq"
  topic_arn             = "arn:${local.partition}:sns:${var.region}:${var.account_id}:${local.topic_name}"
  subscription_dlq_arn  = "arn:${local.partition}:sqs:${var.region}:${var.account_id}:${local.subscription_dlq_name}"
  configuration_set_arns = [
    for name in values(local.configuration_set_names) : "arn:${local.partition}:ses:${var.region}:${var.account_id}:configuration-set/${name}"
  ]

}

# The primary's statements (event_pipeline uses the same module): SES pinned on the key by the SNS
# encryption context (0072) and on the topic by this region's configuration sets, SNS by this topic.
module "topic_policies" {
  source = "../event_topic_policies"

  account_id             = var.account_id
  partition              = local.partition
  topic_arn              = local.topic_arn
  configuration_set_arns = local.configuration_set_arns
  subscription_dlq_arn   = local.subscription_dlq_arn
}

resource "aws_kms_key" "events" {
  count = local.creates_event_topic ? 1 : 0

  description             = "${var.name_prefix} SES event topic and its subscription DLQ in ${var.region}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode({ Version = "2012-10-17", Statement = module.topic_policies.key_statements })
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

  arn    = aws_sns_topic.events[0].arn
  policy = module.topic_policies.topic_policy
}

resource "aws_sqs_queue" "subscription_dlq" {
  count = local.creates_event_topic ? 1 : 0

  name                              = local.subscription_dlq_name
  message_retention_seconds         = 1209600 # 14 days, the SQS maximum
  kms_master_key_id                 = aws_kms_key.events[0].arn
  kms_data_key_reuse_period_seconds = 300

  policy = module.topic_policies.subscription_dlq_policy

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
