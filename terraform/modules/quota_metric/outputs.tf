output "metric" {
  description = "The published usage metric, `{namespace, metric_name, dimensions}`: pass it to the alarms module's `send_quota_metric`."
  value       = local.metric
}

output "function_name" {
  description = "Name of the quota publisher Lambda."
  value       = module.function.function_name
}

output "schedule_rule_name" {
  description = "EventBridge rule that invokes the publisher."
  value       = module.function.rule_name
}

output "policy" {
  description = "The role policy for the publisher's calls (GetAccount, PutMetricData pinned to the namespace)."
  value       = local.policy
}
