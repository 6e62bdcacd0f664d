output "role_arn" {
  description = "ARN of the execution role."
  value       = aws_iam_role.this.arn
}

output "role_id" {
  description = "ID (name) of the execution role, for the caller's own role policy."
  value       = aws_iam_role.this.id
}

output "kms_key_arn" {
  description = "CMK of the log group and the function's environment."
  value       = aws_kms_key.this.arn
}

output "log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "ready" {
  description = "IDs of the log group and role policies: a function that depends on these starts with its logs and permissions in place."
  value       = [aws_cloudwatch_log_group.this.id, aws_iam_role_policy.this.id, aws_iam_role_policy.kms.id]
}
