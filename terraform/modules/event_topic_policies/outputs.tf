output "topic_policy" {
  description = "Topic policy (JSON): SES may publish only from configuration_set_arns of this account; plain HTTP denied."
  value       = jsonencode(local.topic_policy)
}

output "subscription_dlq_policy" {
  description = "Subscription DLQ policy (JSON): only this topic may send; plain HTTP denied."
  value       = jsonencode(local.subscription_dlq_policy)
}

output "key_statements" {
  description = "Statements of the topic's key policy: account root (kms:*), SES pinned by the SNS encryption context, SNS pinned to this topic. The caller adds its own (e.g. CloudWatch Logs) and jsonencodes the policy."
  value       = local.key_statements
}

output "deny_insecure_transport" {
  description = "The Deny-unless-TLS statement without Action and Resource, for the caller's other queue policies."
  value       = local.deny_insecure_transport
}
