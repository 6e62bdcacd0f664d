resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:no VPC resources are reached (SES is a public AWS endpoint); a VPC would add NAT cost and failure modes for no isolation gain
  #checkov:skip=CKV_AWS_116:EventBridge retries for an hour (target retry_policy) and the critical alarm that triggers this also pages on-call, who pause by hand if the function failed
  #checkov:skip=CKV_AWS_272:code signing needs a Signer profile and signed artefacts; zips are built reproducibly from reviewed source in CI instead
  function_name                  = local.function_name
  description                    = "Pauses SES configuration sets when a critical reputation alarm fires"
  role                           = module.base.role_arn
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  handler                        = "sesmail.handlers.auto_pause.handler"
  filename                       = var.lambda_zip_path
  source_code_hash               = filebase64sha256(var.lambda_zip_path)
  layers                         = [var.powertools_layer_arn]
  timeout                        = 60
  memory_size                    = 256
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = module.base.kms_key_arn

  environment {
    variables = {
      AUTO_PAUSE_ALARMS       = jsonencode(var.alarm_configuration_sets)
      POWERTOOLS_SERVICE_NAME = "ses-auto-pause"
      POWERTOOLS_LOG_LEVEL    = var.log_level
    }
  }

  tracing_config {
    mode = "Active"
  }

  tags = var.tags

  depends_on = [module.base, aws_iam_role_policy.this]
}

resource "aws_iam_role_policy" "this" {
  name = "auto-pause"
  role = module.base.role_id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      # Exactly the sets the alarms map to; reading first keeps retries idempotent.
      Sid      = "PauseMappedConfigurationSets"
      Effect   = "Allow"
      Action   = ["ses:GetConfigurationSet", "ses:PutConfigurationSetSendingOptions"]
      Resource = local.set_arns
    }]
  })
}
