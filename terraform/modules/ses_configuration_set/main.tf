# An SES v2 configuration set that enforces TLS, publishes reputation metrics, suppresses bounced and
# complaining recipients, and publishes every event type to SNS (and optionally EventBridge).

locals {
  sending_pool_name = var.dedicated_ip_pool != null ? aws_sesv2_dedicated_ip_pool.this[0].pool_name : var.sending_pool_name

  # SES adds its open pixel and rewrites every link only for sets whose destinations ask for OPEN or
  # CLICK (or whose VDM engagement metrics are on). Off unless the set opts in: a rewritten password
  # reset link leaks the token to a tracking redirect and looks like phishing to careful readers.
  engagement_event_types = ["OPEN", "CLICK"]
  event_types            = var.engagement_tracking_enabled ? var.event_types : [for t in var.event_types : t if !contains(local.engagement_event_types, t)]
  eventbridge_event_types = (var.engagement_tracking_enabled ? var.eventbridge_event_types
  : [for t in var.eventbridge_event_types : t if !contains(local.engagement_event_types, t)])
}

resource "aws_sesv2_dedicated_ip_pool" "this" {
  count = var.dedicated_ip_pool != null ? 1 : 0

  pool_name    = var.dedicated_ip_pool.name
  scaling_mode = var.dedicated_ip_pool.scaling_mode

  tags = var.tags
}

resource "aws_sesv2_configuration_set" "this" {
  configuration_set_name = var.name

  delivery_options {
    tls_policy        = var.tls_policy
    sending_pool_name = local.sending_pool_name
    # Null keeps SES's default (it retries for up to about 14 hours).
    max_delivery_seconds = var.max_delivery_seconds
  }

  # Per-set Reputation.BounceRate / ComplaintRate metrics: the alarms watch these.
  reputation_options {
    reputation_metrics_enabled = true
  }

  # Created enabled. SES (or an operator) may pause a set that hurts the account's reputation; the
  # ignore_changes below keeps the next `apply` from silently re-enabling it (re-enabling also resets
  # the set's reputation metrics). Resume deliberately: see README "Paused sending".
  sending_options {
    sending_enabled = true
  }

  suppression_options {
    suppressed_reasons = var.suppressed_reasons
  }

  dynamic "tracking_options" {
    for_each = var.tracking_options == null ? [] : [var.tracking_options]
    content {
      custom_redirect_domain = tracking_options.value.custom_redirect_domain
      https_policy           = tracking_options.value.https_policy
    }
  }

  dynamic "vdm_options" {
    for_each = var.vdm_options == null ? [] : [var.vdm_options]
    content {
      dynamic "dashboard_options" {
        for_each = vdm_options.value.engagement_metrics == null ? [] : [vdm_options.value.engagement_metrics]
        content {
          engagement_metrics = dashboard_options.value
        }
      }
      dynamic "guardian_options" {
        for_each = vdm_options.value.optimized_shared_delivery == null ? [] : [vdm_options.value.optimized_shared_delivery]
        content {
          optimized_shared_delivery = guardian_options.value
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [sending_options]

    precondition {
      condition     = var.tls_policy == "REQUIRE" || var.allow_insecure_tls
      error_message = "tls_policy = \"OPTIONAL\" lets SES deliver in clear text: set allow_insecure_tls = true to confirm, or keep REQUIRE."
    }
    precondition {
      condition     = var.engagement_tracking_enabled || (var.tracking_options == null && try(var.vdm_options.engagement_metrics, null) != "ENABLED")
      error_message = "tracking_options and vdm_options.engagement_metrics = ENABLED track opens and clicks: set engagement_tracking_enabled = true (marketing sets only)."
    }
    precondition {
      condition     = var.dedicated_ip_pool == null || var.sending_pool_name == null
      error_message = "Set either sending_pool_name (an existing pool) or dedicated_ip_pool (create one), not both."
    }
  }

  tags = var.tags
}
