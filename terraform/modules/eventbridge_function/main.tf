# A small Lambda that one EventBridge rule (a schedule or an event pattern) invokes: its CMK (log group
# and environment), log group, execution role (own logs and traces, plus the caller's one policy for the
# calls its code makes), the function, the rule, the target and the invoke permission pinned to the rule.
# The calling module names the handler, so each function's handler string stays in that module's lambda.tf.
locals {
  partition      = "aws"
  log_group_name = "/aws/lambda/${var.function_name}"
  log_group_arn  = "arn:${local.partition}:logs:${var.region}:${var.account_id}:log-group:${local.log_group_name}"

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
        Sid       = "LogsEncryptsThisFunctionsLogGroup"
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

  base_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${local.log_group_arn}:log-stream:*"
      },
      {
        # X-Ray has no resource-level permissions (docs/decisions/0021-iam-wildcards.md).
        Sid      = "UploadTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
    ]
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.function_name} logs and environment"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode(local.key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.function_name}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  name        = var.function_name
  description = var.role_description
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "logs-and-traces"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.base_policy)
}

resource "aws_iam_role_policy" "calls" {
  #checkov:skip=CKV_AWS_290:the caller's policy is checked where it is written (quota_metric pins PutMetricData to a namespace; auto_pause names configuration-set ARNs)
  #checkov:skip=CKV_AWS_355:only ses:GetAccount and namespace-pinned cloudwatch:PutMetricData use "*" (no resource-level permissions; docs/decisions/0021-iam-wildcards.md)
  name   = "calls"
  role   = aws_iam_role.this.id
  policy = jsonencode(var.policy)
}

# Apart so the policy above is plan-known; this one names the key. Only through Lambda (environment).
resource "aws_iam_role_policy" "kms" {
  name = "environment-key"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DecryptEnvironmentThroughLambda"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = aws_kms_key.this.arn
      Condition = { StringEquals = { "kms:ViaService" = "lambda.${var.region}.amazonaws.com" } }
    }]
  })
}
