output "metric" {
  description = "The usage metric of `region`, `{namespace, metric_name, dimensions}`: pass it to that region's alarms module as `send_quota_metric`."
  value       = local.metrics_by_region[var.region]
}

output "metrics_by_region" {
  description = "The usage metric per published region (`region` and `regions`): each region's alarms instance takes its own entry."
  value       = local.metrics_by_region
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
