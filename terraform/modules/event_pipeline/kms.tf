# One customer managed key for the topic, queues, table, log group and Lambda environment.
#
# In a key policy, Resource "*" means "this key" (a key policy cannot name its own ARN before the key
# exists). Only the root statement uses kms:*, which delegates to IAM policies in this account (the
# persister role, the deploy role); every service statement lists exact actions and is pinned by
# conditions to this account and to the one resource that uses the key.
locals {
  key_policy = {
    Version = "2012-10-17"
    # Root, SES (pinned by the encryption context, decision 0072) and SNS for our topic: shared with a
    # standby region's topic key (modules/event_topic_policies). Then what only this key serves.
    Statement = concat(module.topic_policies.key_statements, [
      {
        # CloudWatch Logs encrypts the persister's log group only.
        Sid       = "LogsEncryptsPersisterLogGroup"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action = [
          "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
          "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
        ]
        Resource  = "*"
        Condition = { ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = local.log_group_arn } }
      },
      ], length(var.cross_region_topic_arns) == 0 ? [] : [{
        # SNS in a standby region delivers into the encrypted queue for that region's event topic only.
        Sid       = "SnsDeliversFromOtherRegionsTopics"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.account_id }
          ArnEquals    = { "aws:SourceArn" = var.cross_region_topic_arns }
        }
    }])
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name_prefix} SES event pipeline (SNS, SQS, DynamoDB, Logs, Lambda)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode(local.key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-ses-events"
  target_key_id = aws_kms_key.this.key_id
}
