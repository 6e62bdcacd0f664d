# Account-level SES v2 settings (one per account and region): which feedback puts a recipient on the
# account suppression list. Keeping BOUNCE and COMPLAINT protects the account's reputation: SES stops
# sending to an address that hard-bounced or complained instead of counting it again.

resource "aws_sesv2_account_suppression_attributes" "this" {
  suppressed_reasons = var.suppressed_reasons
}
