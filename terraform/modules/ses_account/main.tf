# Account-level SES v2 settings (one per account and region): which feedback puts a recipient on the
# account suppression list. Keeping BOUNCE and COMPLAINT protects the account's reputation: SES stops
# sending to an address that hard-bounced or complained instead of counting it again.

resource "aws_sesv2_account_suppression_attributes" "this" {
  suppressed_reasons = var.suppressed_reasons
}

# Virtual Deliverability Manager, account-wide and billed: created only when asked for (typically when
# a configuration set's vdm_options turns a VDM feature on, which needs VDM enabled here). Engagement
# metrics stay DISABLED unless chosen: account-level engagement tracking would add the open pixel and
# rewrite links in every set's mail, transactional ones included.
resource "aws_sesv2_account_vdm_attributes" "this" {
  count = var.vdm == null ? 0 : 1

  vdm_enabled = "ENABLED"

  dashboard_attributes {
    engagement_metrics = var.vdm.engagement_metrics
  }

  guardian_attributes {
    optimized_shared_delivery = var.vdm.optimized_shared_delivery
  }
}
