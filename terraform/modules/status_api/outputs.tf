output "api_endpoint" {
  description = "Base URL of the HTTP API (null when disabled); requests must be SigV4-signed."
  value       = one(aws_apigatewayv2_api.this[*].api_endpoint)
}

output "api_execution_arn" {
  description = "Execution ARN of the API (null when disabled): grant execute-api:Invoke on \"<arn>/*/GET/*\" to support roles."
  value       = one(aws_apigatewayv2_api.this[*].execution_arn)
}

output "function_name" {
  description = "Name of the API Lambda function (null when disabled)."
  value       = one(aws_lambda_function.this[*].function_name)
}

output "role_arn" {
  description = "ARN of the function's execution role (null when disabled)."
  value       = one(aws_iam_role.this[*].arn)
}

output "console_url" {
  description = "URL of the support console page (null unless enabled and console_enabled)."
  value       = local.console_count == 1 ? local.console_url : null
}

output "console_user_pool_id" {
  description = "ID of the console's Cognito user pool (null with console_oidc or when the console is off): invite support staff with admin-create-user."
  value       = one(aws_cognito_user_pool.console[*].id)
}

output "console_client_id" {
  description = "Client ID the console logs in with (Cognito's, or console_oidc.client_id; null when off)."
  value       = local.console_count == 1 ? local.console_login.client_id : null
}
