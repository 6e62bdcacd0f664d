output "function_name" {
  description = "Name of the suppression sync Lambda (its logs: one line per write, addresses masked)."
  value       = module.function.function_name
}

output "schedule_rule_name" {
  description = "EventBridge rule that invokes the sync."
  value       = module.function.rule_name
}

output "policy" {
  description = "The role policy: list both regions' suppression lists, write only the standby's."
  value       = local.policy
}
