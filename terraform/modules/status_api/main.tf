# Optional read API for support tooling: API Gateway HTTP API -> Lambda (sesmail.handlers.status_api)
# -> DynamoDB Query on the events table. Off unless enabled = true. The lookup routes need IAM
# (execute-api:Invoke on api_execution_arn); the optional support console (console.tf) adds a public
# page and a JWT-authorised search route. No data route is anonymous.

locals {
  count         = var.enabled ? 1 : 0
  function_name = "${var.name_prefix}-status-api"
  routes        = var.enabled ? toset(["GET /messages/{message_id}", "GET /recipients/{address}"]) : toset([])
  index_arn     = "${var.events_table_arn}/index/${var.recipient_index_name}"
}

resource "aws_apigatewayv2_api" "this" {
  count = local.count

  name          = local.function_name
  description   = "Read-only SES event status lookups (IAM-authorised)"
  protocol_type = "HTTP"
  tags          = var.tags
}

resource "aws_apigatewayv2_integration" "this" {
  count = local.count

  api_id                 = aws_apigatewayv2_api.this[0].id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.this[0].invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 10000
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.routes

  api_id             = aws_apigatewayv2_api.this[0].id
  route_key          = each.value
  authorization_type = "AWS_IAM"
  target             = "integrations/${aws_apigatewayv2_integration.this[0].id}"
}

resource "aws_cloudwatch_log_group" "access" {
  count = local.count

  name              = local.log_group_names.access
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.logs[0].arn
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  count = local.count

  api_id      = aws_apigatewayv2_api.this[0].id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = ceil(var.throttling_rate_limit * 2)
  }

  # Who asked what: the caller's IAM identity, or the console user's subject, is the audit trail of
  # support lookups. The path and the query string (which hold addresses) are not logged; the route key is.
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access[0].arn
    format = jsonencode({
      requestId   = "$context.requestId"
      requestTime = "$context.requestTime"
      routeKey    = "$context.routeKey"
      status      = "$context.status"
      caller      = "$context.identity.userArn"
      accountId   = "$context.identity.accountId"
      consoleUser = "$context.authorizer.claims.sub" # the console user's IdP subject, never their email
      sourceIp    = "$context.identity.sourceIp"
      latencyMs   = "$context.responseLatency"
    })
  }

  tags = var.tags
}

resource "aws_lambda_permission" "api" {
  count = local.count

  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[0].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this[0].execution_arn}/*/GET/*"
}
