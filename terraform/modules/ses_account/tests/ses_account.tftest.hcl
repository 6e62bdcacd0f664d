# Offline unit tests: mocked provider, plan only.
mock_provider "aws" {}

run "suppresses_bounces_and_complaints_by_default" {
  command = plan

  assert {
    condition     = aws_sesv2_account_suppression_attributes.this.suppressed_reasons == toset(["BOUNCE", "COMPLAINT"])
    error_message = "The account must suppress on BOUNCE and COMPLAINT by default."
  }
}

run "reasons_are_configurable" {
  command = plan

  variables {
    suppressed_reasons = ["BOUNCE"]
  }

  assert {
    condition     = aws_sesv2_account_suppression_attributes.this.suppressed_reasons == toset(["BOUNCE"])
    error_message = "suppressed_reasons must reach the account attributes."
  }
}

run "rejects_unknown_reason" {
  command = plan
  variables {
    suppressed_reasons = ["BOUNCE", "SPAM"]
  }
  expect_failures = [var.suppressed_reasons]
}
