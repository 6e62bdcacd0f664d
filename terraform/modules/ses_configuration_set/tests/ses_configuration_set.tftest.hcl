# Offline unit tests: mocked provider, plan only.
mock_provider "aws" {
  override_during = plan

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  name          = "transactional"
  sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:ses-production-events"
}

run "defaults_require_tls_and_publish_reputation_metrics" {
  command = plan

  assert {
    condition     = aws_sesv2_configuration_set.this.delivery_options[0].tls_policy == "REQUIRE"
    error_message = "TLS must be REQUIRE by default."
  }
  assert {
    condition     = aws_sesv2_configuration_set.this.reputation_options[0].reputation_metrics_enabled == true
    error_message = "Reputation metrics must be enabled."
  }
  assert {
    condition     = aws_sesv2_configuration_set.this.sending_options[0].sending_enabled == true
    error_message = "The set must be created with sending enabled."
  }
  assert {
    condition     = aws_sesv2_configuration_set.this.suppression_options[0].suppressed_reasons == tolist(["BOUNCE", "COMPLAINT"])
    error_message = "Suppression must default to BOUNCE and COMPLAINT."
  }
  assert {
    condition     = aws_sesv2_configuration_set.this.delivery_options[0].sending_pool_name == null && length(aws_sesv2_dedicated_ip_pool.this) == 0
    error_message = "No dedicated pool unless asked."
  }
  assert {
    condition     = length(aws_sesv2_configuration_set.this.tracking_options) == 0 && length(aws_sesv2_configuration_set.this.vdm_options) == 0
    error_message = "Tracking and VDM options are opt-in."
  }
}

run "sns_destination_enabled_with_every_type_but_engagement_by_default" {
  command = plan

  assert {
    condition     = aws_sesv2_configuration_set_event_destination.sns.event_destination[0].enabled == true
    error_message = "The SNS destination must be enabled explicitly."
  }
  assert {
    condition = aws_sesv2_configuration_set_event_destination.sns.event_destination[0].matching_event_types == toset([
      "SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION",
    ])
    error_message = "Every event type except OPEN and CLICK (tracking off) is published by default."
  }
  assert {
    condition     = aws_sesv2_configuration_set_event_destination.sns.event_destination[0].sns_destination[0].topic_arn == var.sns_topic_arn
    error_message = "Events must go to the given topic."
  }
  assert {
    condition     = aws_sesv2_configuration_set_event_destination.sns.configuration_set_name == "transactional"
    error_message = "The destination belongs to this set."
  }
  assert {
    condition     = length(aws_sesv2_configuration_set_event_destination.eventbridge) == 0
    error_message = "EventBridge is off by default."
  }
}

run "event_types_are_configurable" {
  command = plan

  variables {
    event_types = ["BOUNCE", "COMPLAINT", "DELIVERY"]
  }

  assert {
    condition     = aws_sesv2_configuration_set_event_destination.sns.event_destination[0].matching_event_types == toset(["BOUNCE", "COMPLAINT", "DELIVERY"])
    error_message = "event_types must reach the destination."
  }
}

run "empty_suppression_list_opts_out" {
  command = plan

  variables {
    suppressed_reasons = []
  }

  assert {
    condition     = length(aws_sesv2_configuration_set.this.suppression_options) == 1 && length(aws_sesv2_configuration_set.this.suppression_options[0].suppressed_reasons) == 0
    error_message = "An empty list must be sent as an explicit empty override, not omitted."
  }
}

run "insecure_tls_needs_explicit_opt_in" {
  command = plan

  variables {
    tls_policy         = "OPTIONAL"
    allow_insecure_tls = true
  }

  assert {
    condition     = aws_sesv2_configuration_set.this.delivery_options[0].tls_policy == "OPTIONAL"
    error_message = "With the explicit opt-in, OPTIONAL is accepted."
  }
}

run "dedicated_managed_pool_is_created_and_used" {
  command = plan

  variables {
    dedicated_ip_pool = { name = "transactional-pool" }
  }

  assert {
    condition     = aws_sesv2_dedicated_ip_pool.this[0].pool_name == "transactional-pool" && aws_sesv2_dedicated_ip_pool.this[0].scaling_mode == "MANAGED"
    error_message = "The pool must be created, MANAGED by default."
  }
  assert {
    condition     = aws_sesv2_configuration_set.this.delivery_options[0].sending_pool_name == "transactional-pool"
    error_message = "The set must send through the created pool."
  }
}

run "existing_pool_by_name" {
  command = plan

  variables {
    sending_pool_name = "shared-warm-pool"
  }

  assert {
    condition     = aws_sesv2_configuration_set.this.delivery_options[0].sending_pool_name == "shared-warm-pool" && length(aws_sesv2_dedicated_ip_pool.this) == 0
    error_message = "An existing pool is referenced, not created."
  }
}

run "tracking_and_vdm_options" {
  command = plan

  variables {
    engagement_tracking_enabled = true
    tracking_options            = { custom_redirect_domain = "track.example.com" }
    vdm_options                 = { engagement_metrics = "ENABLED", optimized_shared_delivery = "DISABLED" }
  }

  assert {
    condition = (
      aws_sesv2_configuration_set.this.tracking_options[0].custom_redirect_domain == "track.example.com" &&
      aws_sesv2_configuration_set.this.tracking_options[0].https_policy == "REQUIRE"
    )
    error_message = "Tracking must use the custom domain over HTTPS by default."
  }
  assert {
    condition = (
      aws_sesv2_configuration_set.this.vdm_options[0].dashboard_options[0].engagement_metrics == "ENABLED" &&
      aws_sesv2_configuration_set.this.vdm_options[0].guardian_options[0].optimized_shared_delivery == "DISABLED"
    )
    error_message = "VDM options must reach the set."
  }
  assert {
    condition     = contains(aws_sesv2_configuration_set_event_destination.sns.event_destination[0].matching_event_types, "OPEN") && contains(aws_sesv2_configuration_set_event_destination.sns.event_destination[0].matching_event_types, "CLICK")
    error_message = "A set that opts in to tracking publishes OPEN and CLICK."
  }
}

run "cloudwatch_destination_keyed_on_the_configuration_set" {
  command = plan

  assert {
    condition = (
      aws_sesv2_configuration_set_event_destination.cloudwatch[0].event_destination[0].enabled == true &&
      aws_sesv2_configuration_set_event_destination.cloudwatch[0].event_destination[0].cloud_watch_destination[0].dimension_configuration == tolist([{
        dimension_name = "ses:configuration-set", dimension_value_source = "MESSAGE_TAG", default_dimension_value = "transactional"
      }])
    )
    error_message = "CloudWatch counts use SES's ses:configuration-set auto-tag as the dimension."
  }
  assert {
    condition = aws_sesv2_configuration_set_event_destination.cloudwatch[0].event_destination[0].matching_event_types == toset([
      "SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "RENDERING_FAILURE", "DELIVERY_DELAY",
    ])
    error_message = "Only the counts alarms and the dashboard read are published (each is a billed custom metric)."
  }
  assert {
    condition     = aws_sesv2_configuration_set.this.delivery_options[0].max_delivery_seconds == null
    error_message = "SES's default delivery window unless asked."
  }
}

run "cloudwatch_destination_can_be_turned_off" {
  command = plan
  variables {
    cloudwatch_metrics_enabled = false
  }

  assert {
    condition     = length(aws_sesv2_configuration_set_event_destination.cloudwatch) == 0
    error_message = "No CloudWatch destination when disabled."
  }
}

run "one_time_codes_fail_fast" {
  command = plan
  variables {
    max_delivery_seconds = 900
  }

  assert {
    condition     = aws_sesv2_configuration_set.this.delivery_options[0].max_delivery_seconds == 900
    error_message = "max_delivery_seconds reaches the set."
  }
}

run "rejects_max_delivery_below_five_minutes" {
  command = plan
  variables {
    max_delivery_seconds = 60
  }
  expect_failures = [var.max_delivery_seconds]
}

run "rejects_tracking_domain_without_tracking_opt_in" {
  command = plan
  variables {
    tracking_options = { custom_redirect_domain = "track.example.com" }
  }
  expect_failures = [aws_sesv2_configuration_set.this]
}

run "rejects_vdm_engagement_without_tracking_opt_in" {
  command = plan
  variables {
    vdm_options = { engagement_metrics = "ENABLED" }
  }
  expect_failures = [aws_sesv2_configuration_set.this]
}

run "rejects_open_in_cloudwatch_types" {
  command = plan
  variables {
    cloudwatch_event_types = ["SEND", "OPEN"]
  }
  expect_failures = [var.cloudwatch_event_types]
}

run "eventbridge_destination_on_default_bus" {
  command = plan

  variables {
    eventbridge_enabled     = true
    eventbridge_event_types = ["BOUNCE", "COMPLAINT"]
  }

  assert {
    condition     = aws_sesv2_configuration_set_event_destination.eventbridge[0].event_destination[0].event_bridge_destination[0].event_bus_arn == "arn:aws:events:eu-west-1:123456789012:event-bus/default"
    error_message = "EventBridge events must go to the default bus of this account and region."
  }
  assert {
    condition = (
      aws_sesv2_configuration_set_event_destination.eventbridge[0].event_destination[0].enabled == true &&
      aws_sesv2_configuration_set_event_destination.eventbridge[0].event_destination[0].matching_event_types == toset(["BOUNCE", "COMPLAINT"])
    )
    error_message = "The EventBridge destination must be enabled with its own event types."
  }
}

# --- one run per validation block (and precondition) ---------------------------------------------

run "rejects_invalid_name" {
  command = plan
  variables {
    name = "transactional.mail"
  }
  expect_failures = [var.name]
}

run "rejects_unknown_tls_policy" {
  command = plan
  variables {
    tls_policy = "NONE"
  }
  expect_failures = [var.tls_policy]
}

run "rejects_optional_tls_without_opt_in" {
  command = plan
  variables {
    tls_policy = "OPTIONAL"
  }
  expect_failures = [aws_sesv2_configuration_set.this]
}

run "rejects_pool_name_and_pool_together" {
  command = plan
  variables {
    sending_pool_name = "existing"
    dedicated_ip_pool = { name = "new" }
  }
  expect_failures = [aws_sesv2_configuration_set.this]
}

run "rejects_unknown_suppression_reason" {
  command = plan
  variables {
    suppressed_reasons = ["BOUNCE", "UNSUBSCRIBE"]
  }
  expect_failures = [var.suppressed_reasons]
}

run "rejects_invalid_sending_pool_name" {
  command = plan
  variables {
    sending_pool_name = "pool with spaces"
  }
  expect_failures = [var.sending_pool_name]
}

run "rejects_unknown_scaling_mode" {
  command = plan
  variables {
    dedicated_ip_pool = { name = "pool", scaling_mode = "AUTO" }
  }
  expect_failures = [var.dedicated_ip_pool]
}

run "rejects_invalid_pool_name" {
  command = plan
  variables {
    dedicated_ip_pool = { name = "pool/1" }
  }
  expect_failures = [var.dedicated_ip_pool]
}

run "rejects_unknown_vdm_value" {
  command = plan
  variables {
    vdm_options = { engagement_metrics = "ON" }
  }
  expect_failures = [var.vdm_options]
}

run "rejects_invalid_tracking_domain" {
  command = plan
  variables {
    tracking_options = { custom_redirect_domain = "https://track.example.com" }
  }
  expect_failures = [var.tracking_options]
}

run "rejects_unknown_tracking_https_policy" {
  command = plan
  variables {
    tracking_options = { custom_redirect_domain = "track.example.com", https_policy = "ALWAYS" }
  }
  expect_failures = [var.tracking_options]
}

run "rejects_non_sns_arn" {
  command = plan
  variables {
    sns_topic_arn = "arn:aws:sqs:eu-west-1:123456789012:ses-events"
  }
  expect_failures = [var.sns_topic_arn]
}

run "rejects_unknown_event_type" {
  command = plan
  variables {
    event_types = ["BOUNCE", "RENDERING FAILURE"]
  }
  expect_failures = [var.event_types]
}

run "rejects_empty_eventbridge_event_types" {
  command = plan
  variables {
    eventbridge_enabled     = true
    eventbridge_event_types = []
  }
  expect_failures = [var.eventbridge_event_types]
}
