# Alarm topics (one per severity, one CMK) and the EventBridge route for SES pausing the account.
# The critical topic keeps the name the single topic had (`<name_prefix>-alarms`), so existing paging
# subscriptions survive; warnings get a topic of their own (docs/decisions/0100-alarm-severity-and-delivery-health.md).
locals {
  partition  = "aws"
  topic_name = "${var.name_prefix}-alarms"
  topic_arn  = "arn:${local.partition}:sns:${var.region}:${var.account_id}:${local.topic_name}"
  topic_arns = {
    critical = local.topic_arn
    warning  = "arn:${local.partition}:sns:${var.region}:${var.account_id}:${local.topic_name}-warning"
  }
  # What each severity notifies: the module's topic, then the caller's extra actions.
  actions_by_severity = {
    for severity, arn in local.topic_arns : severity => concat([arn], var.alarm_actions_by_severity[severity])
  }
  rule_name         = "${var.name_prefix}-ses-sending-disabled"
  rule_arn          = "arn:${local.partition}:events:${var.region}:${var.account_id}:rule/${local.rule_name}"
  alarm_arn_pattern = "arn:${local.partition}:cloudwatch:${var.region}:${var.account_id}:alarm:${var.name_prefix}-*"

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
        # Our alarms (named <name_prefix>-*) publish to the encrypted topic.
        Sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.account_id }
          ArnLike      = { "aws:SourceArn" = local.alarm_arn_pattern }
        }
      },
      {
        # EventBridge sends no aws:SourceArn/SourceAccount to KMS (docs/decisions/0021-iam-wildcards.md):
        # pin it to data keys for this topic through SNS's encryption context instead.
        Sid       = "EventBridgePublishesToEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:EncryptionContext:aws:sns:topicArn" = local.topic_arn } }
      },
    ]
  }

  topic_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "OurAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = local.topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.account_id }
          ArnLike      = { "aws:SourceArn" = local.alarm_arn_pattern }
        }
      },
      {
        Sid       = "SendingDisabledRulePublishes"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = local.topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.account_id }
          ArnEquals    = { "aws:SourceArn" = local.rule_arn }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = ["sns:Publish", "sns:Subscribe"]
        Resource  = local.topic_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name_prefix} alarm topic"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode(local.key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-alarms"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_sns_topic" "this" {
  name              = local.topic_name
  kms_master_key_id = aws_kms_key.this.arn
  tags              = var.tags
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = jsonencode(local.topic_policy)
}

# Warnings: the same CMK; only our alarms publish (no EventBridge rule targets this topic).
resource "aws_sns_topic" "warning" {
  name              = "${local.topic_name}-warning"
  kms_master_key_id = aws_kms_key.this.arn
  tags              = var.tags
}

resource "aws_sns_topic_policy" "warning" {
  arn = aws_sns_topic.warning.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      for statement in local.topic_policy.Statement : merge(statement, { Resource = local.topic_arns.warning })
      if statement.Sid != "SendingDisabledRulePublishes"
    ]
  })
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

# On-call email sees warnings too; paging webhooks (below) only get critical alarms.
resource "aws_sns_topic_subscription" "email_warning" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.warning.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic_subscription" "https" {
  for_each = toset(var.alarm_https_endpoints)

  topic_arn              = aws_sns_topic.this.arn
  protocol               = "https"
  endpoint               = each.value
  endpoint_auto_confirms = true
}

# SES pauses sending for the account ("Sending Status Disabled"): no metric precedes this page.
resource "aws_cloudwatch_event_rule" "sending_disabled" {
  name        = local.rule_name
  description = "SES sending disabled for the account. Runbook: ${var.runbook_base_url}/ses-sending-disabled.md"
  event_pattern = jsonencode({
    source        = ["aws.ses"]
    "detail-type" = ["Sending Status Disabled"]
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "sending_disabled" {
  rule      = aws_cloudwatch_event_rule.sending_disabled.name
  target_id = "alarm-topic"
  arn       = aws_sns_topic.this.arn

  input_transformer {
    input_paths = {
      account = "$.account"
      region  = "$.region"
      time    = "$.time"
    }
    input_template = "\"CRITICAL: SES sending is DISABLED for account <account> in <region> since <time>. Runbook: ${var.runbook_base_url}/ses-sending-disabled.md\""
  }
}
