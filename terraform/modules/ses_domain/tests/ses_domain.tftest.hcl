# Offline unit tests: mocked provider, plan only. Computed values (region, DKIM tokens) are mocked
# during plan so the DNS records can be asserted in full.
mock_provider "aws" {
  override_during = plan

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_resource "aws_sesv2_email_identity" {
    defaults = {
      arn = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
      dkim_signing_attributes = {
        tokens = ["tokena", "tokenb", "tokenc"]
      }
    }
  }
}

variables {
  domain                 = "example.com"
  configuration_set_name = "transactional"
  route53_zone_id        = "Z0123456789ABCDEFGHIJ"
}

run "easy_dkim_2048_with_configuration_set_by_default" {
  command = plan

  assert {
    condition     = aws_sesv2_email_identity.this.dkim_signing_attributes[0].next_signing_key_length == "RSA_2048_BIT"
    error_message = "Easy DKIM must default to 2048-bit keys."
  }
  assert {
    condition     = aws_sesv2_email_identity.this.configuration_set_name == "transactional"
    error_message = "The default configuration set must be attached to the identity."
  }
  assert {
    condition     = aws_sesv2_email_identity.this.dkim_signing_attributes[0].domain_signing_private_key == null
    error_message = "Easy DKIM must not send a private key."
  }
}

run "email_feedback_forwarding_off_by_default" {
  command = plan

  assert {
    condition     = aws_sesv2_email_identity_feedback_attributes.this.email_forwarding_enabled == false && aws_sesv2_email_identity_feedback_attributes.this.email_identity == var.domain
    error_message = "Bounce and complaint emails to the Return-Path are off: events carry them."
  }
}

run "email_feedback_forwarding_can_be_kept" {
  command = plan
  variables {
    email_feedback_forwarding_enabled = true
  }

  assert {
    condition     = aws_sesv2_email_identity_feedback_attributes.this.email_forwarding_enabled == true
    error_message = "Forwarding is an explicit opt-in."
  }
}

run "mail_from_on_subdomain_defaults_to_use_default_value" {
  command = plan

  assert {
    condition     = aws_sesv2_email_identity_mail_from_attributes.this.mail_from_domain == "bounce.example.com"
    error_message = "MAIL FROM must be <mail_from_subdomain>.<domain>."
  }
  assert {
    condition     = aws_sesv2_email_identity_mail_from_attributes.this.behavior_on_mx_failure == "USE_DEFAULT_VALUE"
    error_message = "MX failure behaviour must default to USE_DEFAULT_VALUE."
  }
}

run "zone_given_creates_every_record_in_route53" {
  command = plan

  assert {
    condition     = length(aws_route53_record.this) == 6
    error_message = "Expected 3 DKIM CNAMEs, MAIL FROM MX and SPF, and DMARC."
  }
  assert {
    condition = toset([for k in ["dkim-0", "dkim-1", "dkim-2"] : aws_route53_record.this[k].name]) == toset([
      "tokena._domainkey.example.com", "tokenb._domainkey.example.com", "tokenc._domainkey.example.com",
    ])
    error_message = "DKIM CNAME names must be <token>._domainkey.<domain>."
  }
  assert {
    condition = alltrue([for k in ["dkim-0", "dkim-1", "dkim-2"] :
      aws_route53_record.this[k].type == "CNAME" &&
      aws_route53_record.this[k].records == toset(["${split(".", aws_route53_record.this[k].name)[0]}.dkim.amazonses.com"])
    ])
    error_message = "DKIM CNAMEs must point at <token>.dkim.amazonses.com."
  }
  assert {
    condition = (
      aws_route53_record.this["mail-from-mx"].name == "bounce.example.com" &&
      aws_route53_record.this["mail-from-mx"].type == "MX" &&
      aws_route53_record.this["mail-from-mx"].records == toset(["10 feedback-smtp.eu-west-1.amazonses.com"])
    )
    error_message = "MAIL FROM needs MX 10 feedback-smtp.<region>.amazonses.com."
  }
  assert {
    condition     = alltrue([for r in aws_route53_record.this : r.zone_id == "Z0123456789ABCDEFGHIJ" && r.ttl == 1800])
    error_message = "Every record goes to the given zone with the default TTL."
  }
  assert {
    condition     = length(output.dns_records) == 0
    error_message = "With a zone, nothing is left for external DNS."
  }
}

run "exactly_one_spf_record_on_the_mail_from_name" {
  command = plan

  assert {
    condition = length([
      for r in aws_route53_record.this : r
      if r.type == "TXT" && r.name == "bounce.example.com" && length([for v in r.records : v if startswith(v, "v=spf1")]) > 0
    ]) == 1
    error_message = "Exactly one SPF TXT record must exist on the MAIL FROM name."
  }
  assert {
    condition     = aws_route53_record.this["mail-from-spf"].records == toset(["v=spf1 include:amazonses.com ~all"])
    error_message = "The SPF record must hold one value authorising SES only."
  }
  assert {
    condition     = length([for r in aws_route53_record.this : r if r.type == "TXT" && r.name == "example.com"]) == 0
    error_message = "The module must not write an SPF (or any TXT) at the domain apex: it may already have one."
  }
}

run "dmarc_default_is_monitoring_only" {
  command = plan

  assert {
    condition     = aws_route53_record.this["dmarc"].name == "_dmarc.example.com"
    error_message = "DMARC lives on _dmarc.<domain>."
  }
  assert {
    condition     = aws_route53_record.this["dmarc"].records == toset(["v=DMARC1; p=none; pct=100; adkim=r; aspf=r"])
    error_message = "Unexpected default DMARC record."
  }
}

run "dmarc_full_record_string" {
  command = plan

  variables {
    dmarc = {
      policy           = "quarantine"
      subdomain_policy = "reject"
      percent          = 25
      rua              = ["mailto:dmarc@example.com", "mailto:dmarc@reports.example.net"]
      ruf              = ["mailto:forensic@example.com"]
      dkim_alignment   = "s"
      spf_alignment    = "s"
    }
  }

  assert {
    condition     = output.dmarc_record == "v=DMARC1; p=quarantine; sp=reject; pct=25; rua=mailto:dmarc@example.com,mailto:dmarc@reports.example.net; ruf=mailto:forensic@example.com; adkim=s; aspf=s"
    error_message = "Unexpected DMARC record: ${output.dmarc_record}"
  }
  assert {
    condition     = aws_route53_record.this["dmarc"].records == toset([output.dmarc_record])
    error_message = "The published DMARC record must equal the dmarc_record output."
  }
}

run "dmarc_disabled_publishes_no_record" {
  command = plan

  variables {
    dmarc = { enabled = false }
  }

  assert {
    condition     = !contains(keys(aws_route53_record.this), "dmarc") && length(aws_route53_record.this) == 5
    error_message = "dmarc.enabled = false must not create the DMARC record."
  }
}

run "no_zone_creates_no_dns_and_outputs_records" {
  command = plan

  variables {
    route53_zone_id = null
  }

  assert {
    condition     = length(aws_route53_record.this) == 0
    error_message = "Without a zone the module must not create DNS records."
  }
  assert {
    condition     = length(output.dns_records) == 6
    error_message = "Without a zone dns_records must list all six records."
  }
  assert {
    condition = contains(output.dns_records, {
      name   = "tokena._domainkey.example.com"
      type   = "CNAME"
      ttl    = 1800
      values = ["tokena.dkim.amazonses.com"]
    })
    error_message = "dns_records must hold {name, type, ttl, values} for each DKIM CNAME."
  }
  assert {
    condition = contains(output.dns_records, {
      name   = "bounce.example.com"
      type   = "MX"
      ttl    = 1800
      values = ["10 feedback-smtp.eu-west-1.amazonses.com"]
    })
    error_message = "dns_records must hold the MAIL FROM MX."
  }
  assert {
    condition     = length([for r in output.dns_records : r if r.type == "TXT" && startswith(r.values[0], "v=spf1")]) == 1
    error_message = "dns_records must hold exactly one SPF record."
  }
  assert {
    condition     = contains(output.dns_records, { name = "_dmarc.example.com", type = "TXT", ttl = 1800, values = ["v=DMARC1; p=none; pct=100; adkim=r; aspf=r"] })
    error_message = "dns_records must hold the DMARC record."
  }
}

run "rsa_1024_allowed_when_asked" {
  command = plan

  variables {
    dkim_signing_key_length = "RSA_1024_BIT"
  }

  assert {
    condition     = aws_sesv2_email_identity.this.dkim_signing_attributes[0].next_signing_key_length == "RSA_1024_BIT"
    error_message = "The key length variable must reach the identity."
  }
}

run "reject_message_on_mx_failure_and_custom_subdomain" {
  command = plan

  variables {
    mail_from_subdomain              = "mail"
    mail_from_behavior_on_mx_failure = "REJECT_MESSAGE"
  }

  assert {
    condition = (
      aws_sesv2_email_identity_mail_from_attributes.this.mail_from_domain == "mail.example.com" &&
      aws_sesv2_email_identity_mail_from_attributes.this.behavior_on_mx_failure == "REJECT_MESSAGE" &&
      aws_route53_record.this["mail-from-spf"].name == "mail.example.com"
    )
    error_message = "MAIL FROM settings must reach the identity and the DNS."
  }
}

run "byodkim_uses_external_key_and_publishes_its_public_key" {
  command = plan

  variables {
    byodkim = {
      selector   = "ses2026"
      public_key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwbQ8W2u5mRk0n1Fh6Zl8kXmG0sJmWm8yQmFh0dX7vE3vO0pR9k7bG1mJ2l1n3YpY5pN6c9bT0bK0qW3aYbqKzVQx1VwL8V0Q2wZr3rX4fC6m1rJ9s7dY4a2L8bH2sKf0c1hJ5vN8uP3wT6mQ0yZx9rB2nD4kE7jG1aF5sH3lV0oC8iU2tR6eW9yX4zA1bC3dE5fG7hI9jK0lM2nO4pQ6rS8tU0vW2xY4zA6bC8dE0fG2hI4jK6lM8nO0pQ2rS4tU6vW8xY0zA2bC4dE6fG8hI0jK2lM4nO6pQ8rS0tU2vW4xY6zA8bC0dE2fG4hI6jK8lM0nO2pQ4rS6tU8vW0xY2zQIDAQAB"
    }
    byodkim_private_key = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
  }

  assert {
    condition = (
      aws_sesv2_email_identity.this.dkim_signing_attributes[0].domain_signing_selector == "ses2026" &&
      aws_sesv2_email_identity.this.dkim_signing_attributes[0].domain_signing_private_key == var.byodkim_private_key
    )
    error_message = "BYODKIM must send the selector and the private key."
  }
  assert {
    condition     = length(aws_route53_record.this) == 4 && aws_route53_record.this["dkim-byodkim"].name == "ses2026._domainkey.example.com"
    error_message = "BYODKIM publishes one TXT at <selector>._domainkey.<domain> instead of three CNAMEs."
  }
  assert {
    condition = alltrue([
      for chunk in split("\"\"", one(aws_route53_record.this["dkim-byodkim"].records)) : length(chunk) <= 255
    ]) && join("", split("\"\"", one(aws_route53_record.this["dkim-byodkim"].records))) == "v=DKIM1; k=rsa; p=${var.byodkim.public_key}"
    error_message = "The DKIM TXT must be split into strings of at most 255 characters that join to the full record."
  }
  assert {
    condition     = length(output.dkim_tokens) == 0
    error_message = "There are no Easy DKIM tokens with BYODKIM."
  }
}

# --- one run per validation block ---------------------------------------------------------------

run "rejects_invalid_domain" {
  command = plan
  variables {
    domain = "Example.com."
  }
  expect_failures = [var.domain]
}

run "rejects_invalid_configuration_set_name" {
  command = plan
  variables {
    configuration_set_name = "has spaces"
  }
  expect_failures = [var.configuration_set_name]
}

run "rejects_unknown_key_length" {
  command = plan
  variables {
    dkim_signing_key_length = "RSA_4096_BIT"
  }
  expect_failures = [var.dkim_signing_key_length]
}

run "rejects_pem_armoured_byodkim_public_key" {
  command = plan
  variables {
    byodkim             = { selector = "ses2026", public_key = "-----BEGIN PUBLIC KEY-----" }
    byodkim_private_key = "MIIEvQIBADANBgkq"
  }
  expect_failures = [var.byodkim]
}

run "rejects_pem_armoured_byodkim_private_key" {
  command = plan
  variables {
    byodkim             = { selector = "ses2026", public_key = "MIIBIjAN" }
    byodkim_private_key = "-----BEGIN RSA PRIVATE KEY-----"
  }
  expect_failures = [var.byodkim_private_key]
}

run "rejects_byodkim_without_private_key" {
  command = plan
  variables {
    byodkim = { selector = "ses2026", public_key = "MIIBIjAN" }
  }
  expect_failures = [aws_sesv2_email_identity.this]
}

run "rejects_multi_label_mail_from_subdomain" {
  command = plan
  variables {
    mail_from_subdomain = "mail.from"
  }
  expect_failures = [var.mail_from_subdomain]
}

run "rejects_unknown_mx_failure_behaviour" {
  command = plan
  variables {
    mail_from_behavior_on_mx_failure = "IGNORE"
  }
  expect_failures = [var.mail_from_behavior_on_mx_failure]
}

run "rejects_malformed_zone_id" {
  command = plan
  variables {
    route53_zone_id = "example.com"
  }
  expect_failures = [var.route53_zone_id]
}

run "rejects_ttl_out_of_range" {
  command = plan
  variables {
    dns_ttl = 30
  }
  expect_failures = [var.dns_ttl]
}

run "rejects_unknown_dmarc_policy" {
  command = plan
  variables {
    dmarc = { policy = "block" }
  }
  expect_failures = [var.dmarc]
}

run "rejects_dmarc_percent_over_100" {
  command = plan
  variables {
    dmarc = { percent = 101 }
  }
  expect_failures = [var.dmarc]
}

run "rejects_dmarc_report_uri_without_mailto" {
  command = plan
  variables {
    dmarc = { rua = ["dmarc@example.com"] }
  }
  expect_failures = [var.dmarc]
}

run "rejects_unknown_dmarc_alignment" {
  command = plan
  variables {
    dmarc = { dkim_alignment = "relaxed" }
  }
  expect_failures = [var.dmarc]
}
