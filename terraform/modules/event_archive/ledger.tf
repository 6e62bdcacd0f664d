# Daily delivery ledger (sesmail.handlers.ledger): an EventBridge schedule runs the Athena query of
# sesmail.archive.ledger for the day two days back, keeps the result at s3://<bucket>/ledger/yyyy/MM/dd.json
# and logs EMF metrics per configuration set (namespace SesMailPlatform/Ledger). Two alarms: too many
# recipients without an outcome after 24 h, and the ledger itself failing.
locals {
  ledger_count      = var.ledger_enabled ? 1 : 0
  ledger_name       = "${var.name_prefix}-ses-ledger"
  ledger_log_group  = "/aws/lambda/${local.ledger_name}"
  ledger_log_arn    = "arn:${local.partition}:logs:${var.region}:${var.account_id}:log-group:${local.ledger_log_group}"
  ledger_namespace  = "SesMailPlatform/Ledger"
  ledger_runbook    = "Runbook: docs/runbooks/ledger-no-outcome.md"
  workgroup_arn     = "arn:${local.partition}:athena:${var.region}:${var.account_id}:workgroup/${var.name_prefix}-ses-archive"
  glue_arn_prefix   = "arn:${local.partition}:glue:${var.region}:${var.account_id}"
  ledger_alarm_sink = var.ledger_alarm_topic_arn == null ? [] : [var.ledger_alarm_topic_arn]
}

resource "aws_cloudwatch_log_group" "ledger" {
  count = local.ledger_count

  name              = local.ledger_log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = var.tags
}

resource "aws_iam_role" "ledger" {
  count = local.ledger_count

  name        = local.ledger_name
  description = "Execution role of ${local.ledger_name}"
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

resource "aws_iam_role_policy" "ledger" {
  count = local.ledger_count

  name = "query-archive"
  role = aws_iam_role.ledger[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "RunArchiveQueries"
        Effect   = "Allow"
        Action   = ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"]
        Resource = local.workgroup_arn
      },
      {
        Sid    = "ReadArchiveTable"
        Effect = "Allow"
        Action = ["glue:GetDatabase", "glue:GetTable", "glue:GetPartition", "glue:GetPartitions"]
        Resource = [
          "${local.glue_arn_prefix}:catalog",
          "${local.glue_arn_prefix}:database/${local.database_name}",
          "${local.glue_arn_prefix}:table/${local.database_name}/${local.table_name}",
        ]
      },
      {
        # Athena reads the events and writes its results as the caller; the ledger keeps its file.
        Sid      = "ReadEventsWriteResultsAndLedger"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
        Resource = [local.bucket_arn, "${local.bucket_arn}/*"]
      },
      {
        Sid       = "UseArchiveKeyThroughS3"
        Effect    = "Allow"
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = aws_kms_key.this.arn
        Condition = { StringEquals = { "kms:ViaService" = "s3.${var.region}.amazonaws.com" } }
      },
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${local.ledger_log_arn}:log-stream:*"
      },
    ]
  })
}

resource "aws_lambda_function" "ledger" {
  #checkov:skip=CKV_AWS_117:no VPC resources are reached (Athena, Glue, S3 are public AWS endpoints); a VPC would add NAT cost for no isolation gain
  #checkov:skip=CKV_AWS_116:a failed run raises; Lambda retries the scheduled invoke twice and the LedgerErrors alarm pages, so a DLQ would only hold an empty schedule event
  #checkov:skip=CKV_AWS_272:code signing needs a Signer profile and signed artefacts; zips are built reproducibly from reviewed source in CI instead
  #checkov:skip=CKV_AWS_50:one query a day: Athena's own query history and the function log trace it; X-Ray would need the xray:* wildcard exception for this role too
  count = local.ledger_count

  function_name                  = local.ledger_name
  description                    = "Daily SES delivery ledger over ${local.database_name}.${local.table_name}"
  role                           = aws_iam_role.ledger[0].arn
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  handler                        = "sesmail.handlers.ledger.handler"
  filename                       = var.ledger_lambda_zip_path
  source_code_hash               = var.ledger_lambda_zip_path == null ? null : filebase64sha256(var.ledger_lambda_zip_path)
  timeout                        = 300
  memory_size                    = 256
  reserved_concurrent_executions = 1
  kms_key_arn                    = aws_kms_key.this.arn

  environment {
    variables = {
      ARCHIVE_DATABASE             = aws_glue_catalog_database.this.name
      ARCHIVE_TABLE                = aws_glue_catalog_table.events.name
      ATHENA_WORKGROUP             = aws_athena_workgroup.this.name
      LEDGER_BUCKET                = local.bucket_name
      LEDGER_METRICS_NAMESPACE     = local.ledger_namespace
      LEDGER_QUERY_TIMEOUT_SECONDS = "240"
    }
  }

  tags       = var.tags
  depends_on = [aws_cloudwatch_log_group.ledger, aws_iam_role_policy.ledger]

  lifecycle {
    precondition {
      condition     = var.ledger_lambda_zip_path != null
      error_message = "ledger_enabled needs ledger_lambda_zip_path (a zip from `make package`)."
    }
  }
}

resource "aws_cloudwatch_event_rule" "ledger" {
  count = local.ledger_count

  name                = local.ledger_name
  description         = "Daily SES delivery ledger (day - 2). ${local.ledger_runbook}"
  schedule_expression = var.ledger_schedule_expression
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "ledger" {
  count = local.ledger_count

  rule      = aws_cloudwatch_event_rule.ledger[0].name
  target_id = "ledger"
  arn       = aws_lambda_function.ledger[0].arn
}

resource "aws_lambda_permission" "ledger" {
  count = local.ledger_count

  statement_id  = "DailySchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.ledger[0].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.ledger[0].arn
}

resource "aws_cloudwatch_metric_alarm" "no_outcome" {
  count = local.ledger_count

  alarm_name          = "${var.name_prefix}-ledger-no-outcome-24h"
  alarm_description   = "More than ${var.ledger_no_outcome_rate_threshold * 100} % of a day's recipients had no Delivery, Bounce or Reject within 24 h (long delays or lost events). ${local.ledger_runbook}"
  namespace           = local.ledger_namespace
  metric_name         = "NoOutcome24hRate"
  dimensions          = { ConfigurationSet = "ALL" }
  statistic           = "Maximum"
  period              = 86400
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.ledger_no_outcome_rate_threshold
  # A day without a ledger is the other alarm's job; here it would page every night before 00:30.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.ledger_alarm_sink
  ok_actions         = local.ledger_alarm_sink
  tags               = var.tags
}

resource "aws_cloudwatch_metric_alarm" "ledger_errors" {
  count = local.ledger_count

  alarm_name          = "${var.name_prefix}-ledger-errors"
  alarm_description   = "The daily delivery ledger failed (Athena query, S3 write or bad result): partial event loss is unwatched until it runs. ${local.ledger_runbook}"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = local.ledger_name }
  statistic           = "Sum"
  period              = 86400
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.ledger_alarm_sink
  ok_actions          = local.ledger_alarm_sink
  tags                = var.tags
}
