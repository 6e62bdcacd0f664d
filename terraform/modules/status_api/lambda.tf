# The API function and its role: Query on the events table and its recipient index, decrypt
# through DynamoDB/Lambda only, write its own logs. Nothing else.

resource "aws_cloudwatch_log_group" "this" {
  count = local.count

  name              = local.log_group_names.function
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.logs[0].arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:no VPC resources are reached (DynamoDB and CloudWatch are public AWS endpoints); a VPC would add NAT cost and failure modes for no isolation gain
  #checkov:skip=CKV_AWS_116:invoked synchronously by API Gateway: a function DLQ only applies to asynchronous invokes
  #checkov:skip=CKV_AWS_272:code signing needs a Signer profile and signed artefacts; zips are built reproducibly from reviewed source in CI instead
  count = local.count

  function_name                  = local.function_name
  description                    = "Read-only SES event status lookups on ${var.events_table_name}"
  role                           = aws_iam_role.this[0].arn
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  handler                        = "sesmail.handlers.status_api.handler"
  filename                       = var.lambda_zip_path
  source_code_hash               = filebase64sha256(var.lambda_zip_path)
  layers                         = [var.powertools_layer_arn]
  timeout                        = 10
  memory_size                    = 256
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = merge({
      EVENTS_TABLE_NAME       = var.events_table_name
      POWERTOOLS_SERVICE_NAME = "ses-status-api"
      POWERTOOLS_LOG_LEVEL    = var.log_level
    }, local.console_environment)
  }

  tracing_config {
    mode = "Active"
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this, aws_iam_role_policy.kms]
}

resource "aws_iam_role" "this" {
  count = local.count

  name        = local.function_name
  description = "Execution role of ${local.function_name} (read-only on the events table)"
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

locals {
  # arn:<partition>:dynamodb:<region>:<account>:table/<name> (validated): plan-known ARNs for the policy.
  table_arn_parts = split(":", var.events_table_arn)
  region          = local.table_arn_parts[3]
  status_api_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        # The read path only queries (sesmail/events/store.py); tests/test_iam_exactness.py derives
        # this from the code's calls.
        Sid      = "QueryEventsByMessage"
        Effect   = "Allow"
        Action   = ["dynamodb:Query"]
        Resource = var.events_table_arn
      },
      {
        Sid      = "QueryEventsByRecipient"
        Effect   = "Allow"
        Action   = ["dynamodb:Query"]
        Resource = local.index_arn
      },
      ], local.console_count == 0 ? [] : [
      {
        # The console's suppression check (audit_suppression.py check). SES has no resource type for
        # suppression-list entries: the IAM reference lists this action with no resource-level
        # permission, so "*" is the only form (docs/decisions/0090-support-console.md).
        Sid      = "ReadSuppressionListEntry"
        Effect   = "Allow"
        Action   = ["ses:GetSuppressedDestination"]
        Resource = "*"
      },
      ], [
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${local.log_group_arns.function}:log-stream:*"
      },
      {
        # X-Ray has no resource-level permissions: AWS requires Resource "*" for exactly these two
        # upload-only actions (docs/decisions/0021-iam-wildcards.md).
        Sid      = "UploadTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
    ])
  }
}

resource "aws_iam_role_policy" "this" {
  count = local.count

  name   = "status-api"
  role   = aws_iam_role.this[0].id
  policy = jsonencode(local.status_api_policy)
}

# Apart from the policy above so that one is known at plan time; this one names the pipeline key.
resource "aws_iam_role_policy" "kms" {
  count = local.count

  name = "status-api-kms"
  role = aws_iam_role.this[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      # Read the CMK-encrypted table and environment; only through those services.
      Sid       = "DecryptThroughServices"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = var.kms_key_arn
      Condition = { StringEquals = { "kms:ViaService" = [for s in ["dynamodb", "lambda"] : "${s}.${local.region}.amazonaws.com"] } }
    }]
  })
}
