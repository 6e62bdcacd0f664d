# Offline unit tests: mock provider, plan only. The policy is jsonencode()d from the table/key ARNs,
# so it is fully known at plan time and asserted statement by statement.
mock_provider "aws" {
  override_during = plan

  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id            = "abc123"
      execution_arn = "arn:aws:execute-api:eu-west-1:111122223333:abc123"
      api_endpoint  = "https://abc123.execute-api.eu-west-1.amazonaws.com"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/mock"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-west-1:111122223333:function:mock"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:mock/invocations"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:111122223333:key/11111111-1111-1111-1111-111111111111"
      key_id = "11111111-1111-1111-1111-111111111111"
    }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id = "eu-west-1_AbCdEf123"
    }
  }
  mock_resource "aws_cognito_user_pool_client" {
    defaults = {
      id = "1example23456789"
    }
  }
  mock_resource "aws_apigatewayv2_authorizer" {
    defaults = {
      id = "auth01"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:111122223333:log-group:mock"
    }
  }
}

variables {
  name_prefix          = "ses-test"
  events_table_name    = "ses-test-events"
  events_table_arn     = "arn:aws:dynamodb:eu-west-1:111122223333:table/ses-test-events"
  kms_key_arn          = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000"
  lambda_zip_path      = "tests/fixture.zip"
  powertools_layer_arn = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7"
}

run "off_by_default_creates_nothing" {
  command = plan

  assert {
    condition = (length(aws_apigatewayv2_api.this) + length(aws_lambda_function.this) + length(aws_iam_role.this)
    + length(aws_apigatewayv2_route.this) + length(aws_cloudwatch_log_group.this) + length(aws_cloudwatch_log_group.access)) == 0
    error_message = "nothing may be created unless enabled = true"
  }
  assert {
    condition     = output.api_endpoint == null && output.role_arn == null
    error_message = "outputs must be null when disabled"
  }
}

run "every_route_requires_iam_authorisation" {
  command = plan

  variables {
    enabled = true
  }

  assert {
    condition     = toset(keys(aws_apigatewayv2_route.this)) == toset(["GET /messages/{message_id}", "GET /recipients/{address}"])
    error_message = "exactly the two read routes"
  }
  assert {
    condition     = alltrue([for r in aws_apigatewayv2_route.this : r.authorization_type == "AWS_IAM"])
    error_message = "every route must use IAM authorisation"
  }
  assert {
    condition     = aws_apigatewayv2_integration.this[0].payload_format_version == "2.0" && aws_apigatewayv2_integration.this[0].integration_type == "AWS_PROXY"
    error_message = "Lambda proxy integration, payload format 2.0 (what the handler parses)"
  }
  assert {
    condition     = aws_lambda_permission.api[0].source_arn == "arn:aws:execute-api:eu-west-1:111122223333:abc123/*/GET/*"
    error_message = "API Gateway may invoke the function for GET routes of this API only"
  }
}

run "function_and_logs" {
  command = plan

  variables {
    enabled = true
  }

  assert {
    condition = (aws_lambda_function.this[0].handler == "sesmail.handlers.status_api.handler"
      && aws_lambda_function.this[0].runtime == "python3.12"
    && aws_lambda_function.this[0].architectures == tolist(["arm64"]))
    error_message = "handler, runtime and architecture per the packaging contract"
  }
  assert {
    condition     = aws_lambda_function.this[0].environment[0].variables["EVENTS_TABLE_NAME"] == "ses-test-events"
    error_message = "the function reads the given table"
  }
  assert {
    condition     = aws_lambda_function.this[0].kms_key_arn == var.kms_key_arn
    error_message = "the environment is encrypted with the CMK"
  }
  assert {
    condition     = aws_cloudwatch_log_group.this[0].kms_key_id == aws_kms_key.logs[0].arn && aws_cloudwatch_log_group.access[0].kms_key_id == aws_kms_key.logs[0].arn
    error_message = "both log groups use the module's own logs key"
  }
  assert {
    condition     = aws_kms_key.logs[0].enable_key_rotation
    error_message = "the logs key rotates"
  }
  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.logs[0].policy).Statement : s.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"]
      if s.Principal == { Service = "logs.eu-west-1.amazonaws.com" }
      ]) == [
      "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/apigateway/ses-test-status-api",
      "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/ses-test-status-api",
    ]
    error_message = "CloudWatch Logs may use the key for exactly the two log groups of this module"
  }
  assert {
    condition     = length(aws_apigatewayv2_stage.this[0].access_log_settings) == 1 && !strcontains(aws_apigatewayv2_stage.this[0].access_log_settings[0].format, "$context.path")
    error_message = "access logs are on and do not record the path (it can hold an address)"
  }
}

run "role_is_read_only_on_the_table_and_index" {
  command = plan

  variables {
    enabled = true
  }

  assert {
    condition     = toset(flatten([for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s.Action if startswith(s.Sid, "QueryEvents")])) == toset(["dynamodb:Query"])
    error_message = "DynamoDB access is Query only (the code never calls GetItem)"
  }
  assert {
    condition = toset([for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s.Resource if startswith(s.Sid, "QueryEvents")]) == toset([
      "arn:aws:dynamodb:eu-west-1:111122223333:table/ses-test-events",
      "arn:aws:dynamodb:eu-west-1:111122223333:table/ses-test-events/index/recipient-index",
    ])
    error_message = "DynamoDB access is on the table and its recipient index only"
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.kms[0].policy).Statement : s if s.Sid == "DecryptThroughServices"]).Action == ["kms:Decrypt"]
    error_message = "KMS access is decrypt only"
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s.Resource if s.Sid == "WriteOwnLogs"]) == "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/ses-test-status-api:log-stream:*"
    error_message = "logs only to its own log group"
  }
  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s.Resource != "*" if s.Sid != "UploadTraces"])
    error_message = "no wildcard resource except the X-Ray upload actions"
  }
}

run "rejects_bad_name_prefix" {
  command = plan
  variables {
    name_prefix = "Bad_Prefix"
  }
  expect_failures = [var.name_prefix]
}

run "rejects_bad_table_name" {
  command = plan
  variables {
    events_table_name = "x"
  }
  expect_failures = [var.events_table_name]
}

run "rejects_bad_table_arn" {
  command = plan
  variables {
    events_table_arn = "arn:aws:s3:::bucket"
  }
  expect_failures = [var.events_table_arn]
}

run "rejects_bad_kms_key_arn" {
  command = plan
  variables {
    kms_key_arn = "alias/events"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_bad_layer_arn" {
  command = plan
  variables {
    powertools_layer_arn = "powertools"
  }
  expect_failures = [var.powertools_layer_arn]
}

run "rejects_bad_reserved_concurrency" {
  command = plan
  variables {
    reserved_concurrency = 0
  }
  expect_failures = [var.reserved_concurrency]
}

run "rejects_bad_throttling_rate" {
  command = plan
  variables {
    throttling_rate_limit = 0
  }
  expect_failures = [var.throttling_rate_limit]
}

run "rejects_bad_log_retention" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_bad_log_level" {
  command = plan
  variables {
    log_level = "TRACE"
  }
  expect_failures = [var.log_level]
}

run "console_is_off_by_default" {
  command = plan

  variables {
    enabled = true
  }

  assert {
    condition     = length(aws_apigatewayv2_authorizer.console) + length(aws_apigatewayv2_route.console_public) + length(aws_apigatewayv2_route.console_search) + length(aws_cognito_user_pool.console) == 0
    error_message = "no console, authorizer or user pool unless console_enabled = true"
  }
  assert {
    condition     = !contains(keys(aws_lambda_function.this[0].environment[0].variables), "CONSOLE_ENABLED")
    error_message = "the function must not serve the console when it is off"
  }
  assert {
    condition     = output.console_url == null
    error_message = "no console URL when off"
  }
}

run "console_with_cognito_by_default" {
  command = plan

  variables {
    enabled         = true
    console_enabled = true
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.console[0].authorizer_type == "JWT" && aws_apigatewayv2_authorizer.console[0].identity_sources == toset(["$request.header.Authorization"])
    error_message = "the console search needs a JWT authorizer reading the Authorization header"
  }
  assert {
    condition     = aws_apigatewayv2_authorizer.console[0].jwt_configuration[0].issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123" && aws_apigatewayv2_authorizer.console[0].jwt_configuration[0].audience == toset(["1example23456789"])
    error_message = "Cognito issuer and the app client as audience"
  }
  assert {
    condition     = aws_apigatewayv2_route.console_search[0].route_key == "GET /console/api/search" && aws_apigatewayv2_route.console_search[0].authorization_type == "JWT" && aws_apigatewayv2_route.console_search[0].authorizer_id == "auth01"
    error_message = "the search route is JWT-authorised"
  }
  assert {
    condition     = toset(keys(aws_apigatewayv2_route.console_public)) == toset(["GET /console", "GET /console/assets/{name}"])
    error_message = "only the page and its assets are public"
  }
  assert {
    condition     = alltrue([for r in aws_apigatewayv2_route.this : r.authorization_type == "AWS_IAM"])
    error_message = "the service-to-service routes keep IAM authorisation"
  }
  assert {
    condition     = aws_cognito_user_pool.console[0].admin_create_user_config[0].allow_admin_create_user_only && aws_cognito_user_pool.console[0].mfa_configuration == "ON"
    error_message = "invited users only, MFA on"
  }
  assert {
    condition     = aws_cognito_user_pool_client.console[0].generate_secret == false && aws_cognito_user_pool_client.console[0].allowed_oauth_flows == toset(["code"]) && aws_cognito_user_pool_client.console[0].callback_urls == toset(["https://abc123.execute-api.eu-west-1.amazonaws.com/console"])
    error_message = "public PKCE client redirecting to the console page"
  }
  assert {
    condition     = aws_lambda_function.this[0].environment[0].variables["CONSOLE_AUTH"] == "jwt" && aws_lambda_function.this[0].environment[0].variables["CONSOLE_OIDC_TOKEN_URL"] == "https://ses-test-support.auth.eu-west-1.amazoncognito.com/oauth2/token"
    error_message = "the function serves the console with JWT auth and the Cognito login endpoints"
  }
  assert {
    condition     = contains([for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s.Sid], "ReadSuppressionListEntry")
    error_message = "the console's suppression check needs ses:GetSuppressedDestination"
  }
  assert {
    condition     = !strcontains(aws_apigatewayv2_stage.this[0].access_log_settings[0].format, "rawQueryString") && !strcontains(aws_apigatewayv2_stage.this[0].access_log_settings[0].format, "email") && !strcontains(aws_apigatewayv2_stage.this[0].access_log_settings[0].format, "$context.path")
    error_message = "access logs hold no address: no path, no query string, no email claim"
  }
  assert {
    condition     = output.console_url == "https://abc123.execute-api.eu-west-1.amazonaws.com/console"
    error_message = "console_url output"
  }
}

run "console_with_any_oidc_issuer" {
  command = plan

  variables {
    enabled         = true
    console_enabled = true
    console_oidc = {
      issuer        = "https://example.okta.com/oauth2/default"
      audience      = ["api://ses-support"]
      authorize_url = "https://example.okta.com/oauth2/default/v1/authorize"
      token_url     = "https://example.okta.com/oauth2/default/v1/token"
      client_id     = "0oa1example"
    }
  }

  assert {
    condition     = length(aws_cognito_user_pool.console) == 0 && length(aws_cognito_user_pool_client.console) == 0
    error_message = "no Cognito pool when another issuer is given"
  }
  assert {
    condition     = aws_apigatewayv2_authorizer.console[0].jwt_configuration[0].issuer == "https://example.okta.com/oauth2/default" && aws_apigatewayv2_authorizer.console[0].jwt_configuration[0].audience == toset(["api://ses-support"])
    error_message = "the authorizer trusts the given issuer and audience"
  }
  assert {
    condition     = aws_lambda_function.this[0].environment[0].variables["CONSOLE_OIDC_CLIENT_ID"] == "0oa1example"
    error_message = "the page logs in with the given client"
  }
}

run "console_oidc_must_be_https" {
  command = plan

  variables {
    enabled         = true
    console_enabled = true
    console_oidc = {
      issuer        = "http://idp.example.com"
      audience      = ["x"]
      authorize_url = "https://idp.example.com/authorize"
      token_url     = "https://idp.example.com/token"
      client_id     = "x"
    }
  }

  expect_failures = [var.console_oidc]
}
