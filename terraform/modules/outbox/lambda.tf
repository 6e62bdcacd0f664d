# Replay worker: drains the outbox in batches through the failover sender and reports per-message
# failures; a failing mail is re-enqueued by the code (delayed), so only a crash reaches the DLQ.

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:no VPC resources are reached (SES, SQS, DynamoDB, CloudWatch are public AWS endpoints); a VPC would add NAT cost and failure modes for no isolation gain
  #checkov:skip=CKV_AWS_116:SQS-triggered: a crashing message goes to the outbox DLQ via the redrive policy; a function DLQ only applies to async invokes
  #checkov:skip=CKV_AWS_272:code signing needs a Signer profile and signed artefacts; zips are built reproducibly from reviewed source in CI instead
  function_name                  = local.function_name
  description                    = "Replays ${local.queue_name} through SES in ${join(" then ", local.sending_regions)}"
  role                           = aws_iam_role.this.arn
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  handler                        = "sesmail.handlers.outbox_replay.handler"
  filename                       = var.function.lambda_zip_path
  source_code_hash               = filebase64sha256(var.function.lambda_zip_path)
  layers                         = var.function.powertools_layer_arn == null ? [] : [var.function.powertools_layer_arn]
  timeout                        = var.function.timeout_seconds
  memory_size                    = 256
  reserved_concurrent_executions = var.function.reserved_concurrency
  kms_key_arn                    = aws_kms_key.this.arn

  environment {
    # Optional settings left out when unset (merge keeps the keys plan-known).
    variables = merge(
      {
        SENDING_PRIMARY_REGION  = var.region
        OUTBOX_QUEUE_URL        = aws_sqs_queue.this.url
        OUTBOX_PARKED_QUEUE_URL = aws_sqs_queue.parked.url
        POWERTOOLS_SERVICE_NAME = local.function_name
        POWERTOOLS_LOG_LEVEL    = var.function.log_level
      },
      var.standby_region == null ? {} : { SENDING_STANDBY_REGION = var.standby_region },
      var.function.send_rate == null ? {} : { REPLAY_SEND_RATE = tostring(var.function.send_rate) },
      var.function.rate_share == null ? {} : { REPLAY_RATE_SHARE = tostring(var.function.rate_share) },
      var.events_table == null ? {} : { EVENTS_TABLE_NAME = var.events_table.name },
    )
  }

  tracing_config {
    mode = "Active"
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this, aws_iam_role_policy.kms]
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn        = aws_sqs_queue.this.arn
  function_name           = aws_lambda_function.this.arn
  batch_size              = var.function.batch_size
  function_response_types = ["ReportBatchItemFailures"]

  # The replay pace (REPLAY_SEND_RATE or a share of MaxSendRate) holds per instance.
  scaling_config {
    maximum_concurrency = var.function.maximum_concurrency
  }
}

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
  # SendEmail authorises on the sending identity and the configuration set named in the request.
  ses_resources = flatten([for r in local.sending_regions : concat(
    [for d in sort(var.sending_domains) : "arn:${local.partition}:ses:${r}:${var.account_id}:identity/${d}"],
    [for c in sort(var.configuration_set_names) : "arn:${local.partition}:ses:${r}:${var.account_id}:configuration-set/${c}"],
  )])

  replay_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "SendInBothRegions"
        Effect   = "Allow"
        Action   = ["ses:SendEmail"]
        Resource = local.ses_resources
      },
      {
        # GetAccount has no resource-level permissions (docs/decisions/0021-iam-wildcards.md); the
        # worker reads MaxSendRate to pace itself when REPLAY_SEND_RATE is not set.
        Sid      = "ReadSendRate"
        Effect   = "Allow"
        Action   = ["ses:GetAccount"]
        Resource = "*"
      },
      {
        Sid      = "ConsumeOutbox"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        Resource = local.queue_arn
      },
      {
        # Re-enqueue a still-failing mail (delayed) and park what needs a person.
        Sid      = "RequeueAndPark"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [local.queue_arn, local.parked_arn]
      },
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
      ], var.events_table == null ? [] : [{
        # The outbox trail only: items under REF#<ref> (sesmail.events.schema.outbox_trail_keys).
        Sid       = "WriteOutboxTrail"
        Effect    = "Allow"
        Action    = ["dynamodb:PutItem"]
        Resource  = var.events_table.arn
        Condition = { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = "REF#*" } }
    }])
  }
}

resource "aws_iam_role_policy" "this" {
  #checkov:skip=CKV_AWS_355:only ses:GetAccount and the X-Ray upload actions use "*" (no resource-level permissions; docs/decisions/0021-iam-wildcards.md)
  #checkov:skip=CKV_AWS_290:the only "*" resources are ses:GetAccount (read-only) and X-Ray uploads; every write names its queue, identity, configuration set or table
  name   = "outbox-replay"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.replay_policy)
}

# Apart so the policy above is plan-known; this one names keys AWS assigns.
resource "aws_iam_role_policy" "kms" {
  name = "outbox-replay-kms"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      # SQS encrypts re-enqueued and parked mail under a data key (GenerateDataKey) and decrypts
      # received mail; Lambda decrypts the environment. Only through those two services.
      Sid       = "OutboxKeyThroughServices"
      Effect    = "Allow"
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = aws_kms_key.this.arn
      Condition = { StringEquals = { "kms:ViaService" = [for s in ["sqs", "lambda"] : "${s}.${var.region}.amazonaws.com"] } }
      }], var.events_table == null ? [] : [{
      # DynamoDB writes under its own grant with the caller's Decrypt (as the persister does).
      Sid       = "EventsTableKeyThroughDynamoDb"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = var.events_table.kms_key_arn
      Condition = { StringEquals = { "kms:ViaService" = "dynamodb.${var.region}.amazonaws.com" } }
    }])
  })
}
