# The archive's own customer managed key: bucket objects, the Firehose stream, its log group and
# Athena results. Only the root statement uses kms:* (a key policy's Resource "*" means this key);
# Firehose and S3 use it through the roles in iam.tf, Firehose's stream encryption through grants.
resource "aws_kms_key" "this" {
  description             = "${var.name_prefix} SES event archive (S3, Firehose, Logs, Athena results)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
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
        Sid       = "LogsEncryptsOwnLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action = [
          "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
          "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
        ]
        Resource  = "*"
        Condition = { ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = [local.log_group_arn, local.ledger_log_arn] } }
      },
    ]
  })
  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-ses-event-archive"
  target_key_id = aws_kms_key.this.key_id
}
