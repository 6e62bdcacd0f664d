# Persister: drains the queue in batches, writes one item per (message, recipient, event) and reports
# per-message failures so only failed messages are retried (and, after max_receive_count, dead-lettered).

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:no VPC resources are reached (SQS, DynamoDB, CloudWatch are public AWS endpoints); a VPC would add NAT cost and failure modes for no isolation gain
  #checkov:skip=CKV_AWS_116:SQS-triggered: failed messages go to the queue's DLQ via the redrive policy; a function DLQ only applies to async invokes
  #checkov:skip=CKV_AWS_272:code signing needs a Signer profile and signed artefacts; zips are built reproducibly from reviewed source in CI instead
  function_name                  = local.function_name
  description                    = "Persists SES events from ${local.queue_name} to ${local.table_name}"
  role                           = aws_iam_role.this.arn
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  handler                        = "sesmail.handlers.persister.handler"
  filename                       = var.lambda_zip_path
  source_code_hash               = filebase64sha256(var.lambda_zip_path)
  layers                         = var.powertools_layer_arn == null ? [] : [var.powertools_layer_arn]
  timeout                        = var.lambda_timeout_seconds
  memory_size                    = var.lambda_memory_mb
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = aws_kms_key.this.arn

  environment {
    variables = {
      EVENTS_TABLE_NAME            = aws_dynamodb_table.this.name
      EVENT_RETENTION_DAYS         = tostring(var.event_retention_days)
      STORE_SUBJECT                = tostring(var.store_subject)
      POWERTOOLS_SERVICE_NAME      = var.service_name
      POWERTOOLS_METRICS_NAMESPACE = "SesMailPlatform"
      POWERTOOLS_LOG_LEVEL         = var.log_level
    }
  }

  tracing_config {
    mode = "Active"
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this, aws_iam_role_policy.kms]
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn                   = aws_sqs_queue.this.arn
  function_name                      = aws_lambda_function.this.arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.maximum_concurrency
  }

  lifecycle {
    precondition {
      condition     = var.batch_size <= 10 || var.maximum_batching_window_seconds >= 1
      error_message = "batch_size above 10 needs maximum_batching_window_seconds >= 1 (SQS event source limit)."
    }
    precondition {
      condition     = var.maximum_concurrency <= var.reserved_concurrency
      error_message = "maximum_concurrency must not exceed reserved_concurrency, or the poller throttles the function and messages cycle towards the DLQ."
    }
  }
}

# --- IAM: exactly what the persister does, on exactly its resources ---------------------------------

resource "aws_iam_role" "this" {
  name        = local.function_name
  description = "Execution role of ${local.function_name}"
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
  persister_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # The code writes only with BatchWriteItem (sesmail/events/store.py); tests/test_iam_exactness.py
        # derives this list from the code's calls.
        Sid      = "WriteEvents"
        Effect   = "Allow"
        Action   = ["dynamodb:BatchWriteItem"]
        Resource = local.table_arn
      },
      {
        Sid      = "ConsumeQueue"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        Resource = local.queue_arn
      },
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${local.log_group_arn}:log-stream:*"
      },
      {
        # X-Ray has no resource-level permissions: AWS requires Resource "*" for exactly these two
        # upload-only actions (docs/decisions/0021-iam-wildcards.md).
        Sid      = "UploadTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
    ]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "persister"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.persister_policy)
}

# Apart from the policy above so that one is known at plan time (it names no computed ARN) and the
# plan-JSON tests can compare it with the code; this one names the key, whose ARN AWS assigns.
resource "aws_iam_role_policy" "kms" {
  name = "persister-kms"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      # Decrypt only: an SQS consumer decrypts what SNS encrypted, DynamoDB reads and writes the
      # table under its own grant with the caller's Decrypt, Lambda decrypts the environment. Nothing
      # here encrypts a new data key, so no GenerateDataKey. Only through those three services.
      Sid       = "DecryptThroughServices"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = aws_kms_key.this.arn
      Condition = { StringEquals = { "kms:ViaService" = [for s in ["sqs", "dynamodb", "lambda"] : "${s}.${var.region}.amazonaws.com"] } }
    }]
  })
}
