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

run "vdm_untouched_unless_asked" {
  command = plan

  assert {
    condition     = length(aws_sesv2_account_vdm_attributes.this) == 0
    error_message = "VDM is billed: no account attributes by default."
  }
}

run "vdm_enabled_without_engagement_tracking_by_default" {
  command = plan
  variables {
    vdm = {}
  }

  assert {
    condition = (
      aws_sesv2_account_vdm_attributes.this[0].vdm_enabled == "ENABLED" &&
      aws_sesv2_account_vdm_attributes.this[0].dashboard_attributes[0].engagement_metrics == "DISABLED" &&
      aws_sesv2_account_vdm_attributes.this[0].guardian_attributes[0].optimized_shared_delivery == "ENABLED"
    )
    error_message = "Account VDM on, engagement tracking off unless chosen."
  }
}

run "rejects_unknown_vdm_value" {
  command = plan
  variables {
    vdm = { engagement_metrics = "YES" }
  }
  expect_failures = [var.vdm]
}
