output "function_name" {
  description = "Name of the auto-pause Lambda."
  value       = module.function.function_name
}

output "rule_name" {
  description = "EventBridge rule matching the critical alarms' state changes."
  value       = module.function.rule_name
}

output "configuration_set_names" {
  description = "Configuration sets the function may pause."
  value       = local.set_names
}

output "event_pattern" {
  description = "The EventBridge pattern: the given alarms entering ALARM."
  value       = local.event_pattern
}

output "policy" {
  description = "The role policy for the function's calls (the mapped configuration sets only)."
  value       = local.policy
}
