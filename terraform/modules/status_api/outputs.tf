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
