resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:no VPC resources are reached (SES and CloudWatch are public AWS endpoints); a VPC would add NAT cost and failure modes for no isolation gain
  #checkov:skip=CKV_AWS_116:scheduled every few minutes: a failed run is replaced by the next one, and a publisher that keeps failing trips the quota warning alarm (missing data = breaching)
  #checkov:skip=CKV_AWS_272:code signing needs a Signer profile and signed artefacts; zips are built reproducibly from reviewed source in CI instead
  function_name                  = local.function_name
  description                    = "Publishes SES SentLast24Hours / Max24HourSend as ${var.metric_namespace} SendQuotaUsage"
  role                           = module.base.role_arn
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  handler                        = "sesmail.handlers.quota_metric.handler"
  filename                       = var.lambda_zip_path
  source_code_hash               = filebase64sha256(var.lambda_zip_path)
  layers                         = [var.powertools_layer_arn]
  timeout                        = 30
  memory_size                    = 256
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = module.base.kms_key_arn

  environment {
    variables = {
      SEND_QUOTA_METRIC_NAMESPACE = var.metric_namespace
      POWERTOOLS_SERVICE_NAME     = "ses-quota-metric"
      POWERTOOLS_LOG_LEVEL        = var.log_level
    }
  }

  tracing_config {
    mode = "Active"
  }

  tags = var.tags

  depends_on = [module.base, aws_iam_role_policy.this]
}

resource "aws_iam_role_policy" "this" {
  #checkov:skip=CKV_AWS_290:cloudwatch:PutMetricData has no resource-level permissions; it is pinned to one namespace by the cloudwatch:namespace condition
  #checkov:skip=CKV_AWS_355:ses:GetAccount and cloudwatch:PutMetricData support no resource ARNs (docs/decisions/0021-iam-wildcards.md)
  name = "quota-metric"
  role = module.base.role_id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # GetAccount reads the account as a whole: no resource type exists to name.
        Sid      = "ReadSendQuota"
        Effect   = "Allow"
        Action   = ["ses:GetAccount"]
        Resource = "*"
      },
      {
        Sid       = "PublishQuotaMetric"
        Effect    = "Allow"
        Action    = ["cloudwatch:PutMetricData"]
        Resource  = "*"
        Condition = { StringEquals = { "cloudwatch:namespace" = var.metric_namespace } }
      },
    ]
  })
}
