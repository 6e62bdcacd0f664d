output "role_arn" {
  description = "ARN of the execution role."
  value       = aws_iam_role.this.arn
}


output "kms_key_arn" {
  description = "CMK of the log group and the function's environment."
  value       = aws_kms_key.this.arn
}

output "log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "rule_name" {
  description = "Name of the EventBridge rule invoking the function."
  value       = aws_cloudwatch_event_rule.this.name
}
