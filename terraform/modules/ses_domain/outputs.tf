output "identity_arn" {
  description = "ARN of the SES domain identity (for IAM policies allowing ses:SendEmail from this domain)."
  value       = aws_sesv2_email_identity.this.arn
}

output "domain" {
  description = "The domain identity name."
  value       = aws_sesv2_email_identity.this.email_identity
}

output "dkim_tokens" {
  description = "Easy DKIM tokens (three CNAMEs `<token>._domainkey.<domain>`); empty with BYODKIM."
  value       = local.byodkim_enabled ? [] : aws_sesv2_email_identity.this.dkim_signing_attributes[0].tokens
}

output "mail_from_domain" {
  description = "The custom MAIL FROM (envelope sender / Return-Path) domain."
  value       = aws_sesv2_email_identity_mail_from_attributes.this.mail_from_domain
}

output "dmarc_record" {
  description = "The DMARC TXT value for `_dmarc.<domain>` (whether or not `dmarc.enabled` publishes it)."
  value       = local.dmarc_record
}

output "dns_records" {
  description = "Records to create at an external DNS provider (list of `{name, type, ttl, values}`, TXT values unquoted); empty when `route53_zone_id` is set because the module created them."
  value = var.route53_zone_id != null ? [] : [
    for key in sort(keys(local.dns_records)) : {
      name   = local.dns_records[key].name
      type   = local.dns_records[key].type
      ttl    = var.dns_ttl
      values = local.dns_records[key].values
    }
  ]
}

output "route53_record_fqdns" {
  description = "FQDNs of the Route53 records created, by role (`dkim-0`, `mail-from-mx`, `dmarc`, ...); empty without a zone."
  value       = { for key, record in aws_route53_record.this : key => record.fqdn }
}

output "email_feedback_forwarding_enabled" {
  description = "Whether SES emails bounce and complaint notifications to the Return-Path address."
  value       = aws_sesv2_email_identity_feedback_attributes.this.email_forwarding_enabled
}
