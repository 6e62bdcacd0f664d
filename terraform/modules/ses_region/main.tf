# Everything one region needs to send and report: the account's suppression settings there, the
# configuration sets (TLS, reputation metrics, suppression, event publishing), the sending domains with
# their DNS, and the event topic SES publishes to. Instantiated once per region with that region's
# provider; the primary region uses the event pipeline's topic, a standby region gets its own topic
# delivering into the primary's queue (events.tf), so one table holds every region's events.

locals {
  # Same names in every region: a sender fails over by switching region only (decision 0073).
  configuration_set_names = { for key in keys(var.configuration_sets) : key => "${var.name_prefix}-${key}" }

  creates_event_topic = var.event_topic_enabled
  # The destinations are built from this: for the region's own topic it is read from the subscription,
  # so no destination exists before SES may publish and the primary's queue is subscribed (decision 0071).
  event_topic_arn = local.creates_event_topic ? one(aws_sns_topic_subscription.primary_queue[*].topic_arn) : var.event_topic_arn
}

module "ses_account" {
  source = "../ses_account"

  suppressed_reasons = var.account_suppressed_reasons
  # VDM is account-wide and billed: on only when a set turns a VDM feature on.
  vdm = anytrue([
    for cs in values(var.configuration_sets) : cs.vdm_options == null ? false : contains([cs.vdm_options.engagement_metrics, cs.vdm_options.optimized_shared_delivery], "ENABLED")
  ]) ? {} : null
}

module "ses_configuration_set" {
  source   = "../ses_configuration_set"
  for_each = var.configuration_sets

  name               = local.configuration_set_names[each.key]
  sns_topic_arn      = local.event_topic_arn
  event_types        = each.value.event_types
  suppressed_reasons = each.value.suppressed_reasons
  sending_pool_name  = each.value.sending_pool_name
  dedicated_ip_pool  = each.value.dedicated_ip_pool
  tracking_options   = each.value.tracking_options

  engagement_tracking_enabled = each.value.engagement_tracking_enabled
  max_delivery_seconds        = each.value.max_delivery_seconds
  vdm_options                 = each.value.vdm_options

  eventbridge_enabled = var.eventbridge_enabled
  tags                = var.tags
}

module "ses_domain" {
  source   = "../ses_domain"
  for_each = var.sending_domains

  domain = each.key
  # An unknown key fails the plan here with "The given key does not identify an element": the
  # domain's configuration_set must be a key of var.configuration_sets.
  configuration_set_name = module.ses_configuration_set[each.value.configuration_set].configuration_set_name
  route53_zone_id        = each.value.route53_zone_id
  # SES checks the MAIL FROM domain's MX for feedback-smtp.<its own region>: one name per region.
  mail_from_subdomain              = var.mail_from_region_suffix_enabled ? "${each.value.mail_from_subdomain}-${var.region}" : each.value.mail_from_subdomain
  mail_from_behavior_on_mx_failure = each.value.mail_from_behavior_on_mx_failure
  # DMARC is one record per domain, whatever the region: only the region that publishes it keeps it.
  dmarc = var.dmarc_enabled ? each.value.dmarc : merge(each.value.dmarc, { enabled = false })
  tags  = var.tags
}
