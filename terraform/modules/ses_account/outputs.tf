output "suppressed_reasons" {
  description = "Reasons for which SES adds recipients to the account suppression list."
  value       = sort(tolist(aws_sesv2_account_suppression_attributes.this.suppressed_reasons))
}

output "vdm_enabled" {
  description = "Whether this module enables Virtual Deliverability Manager for the account."
  value       = var.vdm != null
}
