# SES in each region: module.primary_region publishes to the event pipeline's topic (pipeline.tf);
# module.standby_region (standby_enabled) mirrors it in standby_region with its own topic delivering
# into the primary's queue. Inputs: ses_variables.tf.

module "primary_region" {
  source = "../../modules/ses_region"

  name_prefix                = local.name_prefix
  account_id                 = var.account_id
  region                     = var.region
  configuration_sets         = var.configuration_sets
  sending_domains            = var.sending_domains
  account_suppressed_reasons = var.ses_account_suppressed_reasons
  eventbridge_enabled        = var.ses_eventbridge_enabled
  event_topic_arn            = module.event_pipeline.sns_topic_arn
}

module "standby_region" {
  source = "../../modules/ses_region"
  count  = var.standby_enabled ? 1 : 0
  providers = {
    aws = aws.standby
  }

  name_prefix                = local.name_prefix
  account_id                 = var.account_id
  region                     = var.standby_region
  configuration_sets         = var.configuration_sets
  sending_domains            = var.sending_domains
  account_suppressed_reasons = var.ses_account_suppressed_reasons
  eventbridge_enabled        = var.ses_eventbridge_enabled
  event_topic_enabled        = true
  event_queue_arn            = module.event_pipeline.queue_arn
  # Its own MAIL FROM names (SES checks the MX per region); DMARC stays the primary's record.
  mail_from_region_suffix_enabled = true
  dmarc_enabled                   = false
}

locals {
  # Known at plan time (derived from input keys only), so other modules can for_each over it; the
  # same names in both regions.
  configuration_set_names = [for key in sort(keys(var.configuration_sets)) : "${local.name_prefix}-${key}"]
  regions                 = concat([module.primary_region], module.standby_region)
}

output "ses_configuration_set_names" {
  description = "Configuration set names senders pass as ConfigurationSetName (the same in every region)."
  value       = local.configuration_set_names
}

output "ses_identity_arns" {
  description = "SES domain identity ARNs by domain in the primary region (for senders' IAM policies)."
  value       = module.primary_region.identity_arns
}

output "ses_dns_records" {
  description = "DNS records to create at the external DNS provider, by domain (domains without route53_zone_id only)."
  value       = module.primary_region.dns_records
}

output "ses_standby_dns_records" {
  description = "The standby region's own records for the same domains (its DKIM tokens, its MAIL FROM name); null without a standby."
  value       = one(module.standby_region[*].dns_records)
}

output "ses_regions" {
  description = "Per region: identity ARNs, MAIL FROM domains and event topic (primary first)."
  value = [for region in local.regions : {
    region            = region.region
    identity_arns     = region.identity_arns
    mail_from_domains = region.mail_from_domains
    event_topic_arn   = region.event_topic_arn
  }]
}
