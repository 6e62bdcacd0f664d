# The API's two log groups get a key of their own: the pipeline key's policy lets CloudWatch Logs use it
# for the persister's log group only, and widening it would couple the pipeline module to this optional
# one. This key's only service statement is CloudWatch Logs, pinned to exactly these two log groups.
locals {
  partition  = local.table_arn_parts[1]
  account_id = local.table_arn_parts[4]
  log_group_names = {
    function = "/aws/lambda/${local.function_name}"
    access   = "/aws/apigateway/${local.function_name}"
  }
  log_group_arns = { for role, name in local.log_group_names : role => "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${name}" }

  logs_key_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountRootManagesKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*" # in a key policy, "this key"
      },
      {
        Sid       = "LogsEncryptsStatusApiLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action = [
          "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
          "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
        ]
        Resource  = "*"
        Condition = { ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = values(local.log_group_arns) } }
      },
    ]
  }
}

resource "aws_kms_key" "logs" {
  count = local.count

  description             = "${var.name_prefix} status API log groups"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode(local.logs_key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "logs" {
  count = local.count

  name          = "alias/${local.function_name}-logs"
  target_key_id = aws_kms_key.logs[0].key_id
}
