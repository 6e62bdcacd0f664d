output "region" {
  description = "Region of this instance."
  value       = var.region
}

output "configuration_set_names" {
  description = "Configuration set names, sorted by key (the same in every region)."
  value       = [for key in sort(keys(local.configuration_set_names)) : local.configuration_set_names[key]]
}

output "identity_arns" {
  description = "SES domain identity ARNs by domain (for senders' IAM policies)."
  value       = { for domain, identity in module.ses_domain : domain => identity.identity_arn }
}

output "mail_from_domains" {
  description = "MAIL FROM domain of each sending domain in this region."
  value       = { for domain, identity in module.ses_domain : domain => identity.mail_from_domain }
}

output "dns_records" {
  description = "DNS records to create at the external DNS provider, by domain (domains without route53_zone_id only)."
  value       = { for domain, identity in module.ses_domain : domain => identity.dns_records if var.sending_domains[domain].route53_zone_id == null }
}

output "event_topic_arn" {
  description = "ARN of the topic this region's configuration sets publish to, built from names (plan-known) when the region has its own topic."
  value       = local.creates_event_topic ? local.topic_arn : var.event_topic_arn
}

output "event_topic_name" {
  description = "Name of this region's own event topic (null unless event_topic_enabled)."
  value       = local.creates_event_topic ? local.topic_name : null
}

output "subscription_dlq_name" {
  description = "Name of this region's subscription dead-letter queue (null unless event_topic_enabled)."
  value       = local.creates_event_topic ? local.subscription_dlq_name : null
}

output "subscription_dlq_url" {
  description = "URL of this region's subscription dead-letter queue (null unless event_topic_enabled)."
  value       = one(aws_sqs_queue.subscription_dlq[*].url)
}
