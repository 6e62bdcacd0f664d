# SES: account suppression settings, configuration sets and sending domains.
# Event publishing goes to the event pipeline's SNS topic (pipeline.tf); that module and the alarms
# (alarms.tf) consume local.configuration_set_names.

locals {
  # Known at plan time (derived from input keys only), so other modules can for_each over it.
  configuration_set_names = [for key in sort(keys(var.configuration_sets)) : "${local.name_prefix}-${key}"]
}

module "ses_account" {
  source = "../../modules/ses_account"

  suppressed_reasons = var.ses_account_suppressed_reasons
}

module "ses_configuration_set" {
  source   = "../../modules/ses_configuration_set"
  for_each = var.configuration_sets

  name               = "${local.name_prefix}-${each.key}"
  sns_topic_arn      = module.event_pipeline.sns_topic_arn
  event_types        = each.value.event_types
  suppressed_reasons = each.value.suppressed_reasons
  sending_pool_name  = each.value.sending_pool_name
  dedicated_ip_pool  = each.value.dedicated_ip_pool
  tracking_options   = each.value.tracking_options

  eventbridge_enabled = var.ses_eventbridge_enabled
}

module "ses_domain" {
  source   = "../../modules/ses_domain"
  for_each = var.sending_domains

  domain = each.key
  # An unknown key fails the plan here with "The given key does not identify an element": the
  # domain's configuration_set must be a key of var.configuration_sets.
  configuration_set_name           = module.ses_configuration_set[each.value.configuration_set].configuration_set_name
  route53_zone_id                  = each.value.route53_zone_id
  mail_from_subdomain              = each.value.mail_from_subdomain
  mail_from_behavior_on_mx_failure = each.value.mail_from_behavior_on_mx_failure
  dmarc                            = each.value.dmarc
}

output "ses_configuration_set_names" {
  description = "Configuration set names senders pass as ConfigurationSetName."
  value       = local.configuration_set_names
}

output "ses_identity_arns" {
  description = "SES domain identity ARNs by domain (for senders' IAM policies)."
  value       = { for domain, identity in module.ses_domain : domain => identity.identity_arn }
}

output "ses_dns_records" {
  description = "DNS records to create at the external DNS provider, by domain (domains without route53_zone_id only)."
  value       = { for domain, identity in module.ses_domain : domain => identity.dns_records if var.sending_domains[domain].route53_zone_id == null }
}
