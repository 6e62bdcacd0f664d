# An SES v2 domain identity with DKIM, a custom MAIL FROM domain and a default configuration set.
# Nothing here waits for verification: SES verifies DKIM and MAIL FROM on its own schedule once the DNS
# records exist, so `apply` never blocks on (or fails because of) DNS propagation.

locals {
  byodkim_enabled  = var.byodkim != null
  mail_from_domain = "${var.mail_from_subdomain}.${var.domain}"
}

data "aws_region" "current" {}

resource "aws_sesv2_email_identity" "this" {
  email_identity         = var.domain
  configuration_set_name = var.configuration_set_name

  dkim_signing_attributes {
    # Easy DKIM: SES generates and rotates the keys; only the next key length is ours to choose.
    next_signing_key_length = local.byodkim_enabled ? null : var.dkim_signing_key_length

    # BYODKIM: the key pair is ours (the private key lands in state, see README).
    domain_signing_selector    = local.byodkim_enabled ? var.byodkim.selector : null
    domain_signing_private_key = local.byodkim_enabled ? var.byodkim_private_key : null
  }

  lifecycle {
    precondition {
      condition     = (var.byodkim == null) == (var.byodkim_private_key == null)
      error_message = "byodkim and byodkim_private_key go together: set both for BYODKIM, or neither for Easy DKIM."
    }
  }

  tags = var.tags
}

resource "aws_sesv2_email_identity_mail_from_attributes" "this" {
  email_identity         = aws_sesv2_email_identity.this.email_identity
  mail_from_domain       = local.mail_from_domain
  behavior_on_mx_failure = var.mail_from_behavior_on_mx_failure
}

# Bounces and complaints reach the event pipeline through the default configuration set's event
# destinations, so SES's emails of them to the Return-Path are noise in someone's inbox (and personal
# data in yet another place). SES keeps emailing them anyway when no other route for bounces and
# complaints exists, so turning forwarding off cannot lose the signal (docs/decisions/0102-safer-ses-defaults.md).
resource "aws_sesv2_email_identity_feedback_attributes" "this" {
  email_identity           = aws_sesv2_email_identity.this.email_identity
  email_forwarding_enabled = var.email_feedback_forwarding_enabled
}
