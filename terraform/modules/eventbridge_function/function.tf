resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:no VPC resources are reached (SES and CloudWatch are public AWS endpoints); a VPC would add NAT cost and failure modes for no isolation gain
  #checkov:skip=CKV_AWS_116:invoked by EventBridge, which retries per the target's retry_policy; a scheduled run is replaced by the next, and auto-pause's trigger also pages on-call
  #checkov:skip=CKV_AWS_272:code signing needs a Signer profile and signed artefacts; zips are built reproducibly from reviewed source in CI instead
  function_name                  = var.function_name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  handler                        = var.handler
  filename                       = var.lambda_zip_path
  source_code_hash               = filebase64sha256(var.lambda_zip_path)
  layers                         = [var.powertools_layer_arn]
  timeout                        = var.timeout_seconds
  memory_size                    = 256
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = aws_kms_key.this.arn

  environment {
    variables = merge(var.environment, { POWERTOOLS_LOG_LEVEL = var.log_level })
  }

  tracing_config {
    mode = "Active"
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this, aws_iam_role_policy.kms, aws_iam_role_policy.calls]
}

resource "aws_cloudwatch_event_rule" "this" {
  name                = var.function_name
  description         = var.rule_description
  schedule_expression = var.schedule_expression
  event_pattern       = var.event_pattern == null ? null : jsonencode(var.event_pattern)
  tags                = var.tags

  lifecycle {
    precondition {
      condition     = (var.schedule_expression == null) != (var.event_pattern == null)
      error_message = "Give exactly one of schedule_expression and event_pattern."
    }
  }
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = var.function_name
  arn       = aws_lambda_function.this.arn

  retry_policy {
    maximum_event_age_in_seconds = var.retry.maximum_event_age_seconds
    maximum_retry_attempts       = var.retry.maximum_attempts
  }
}

resource "aws_lambda_permission" "this" {
  statement_id  = "AllowRuleInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}
