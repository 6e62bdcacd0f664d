# Event publishing. Destinations are created with enabled = true explicitly: the API treats a missing
# flag as disabled, which would silently drop every event.

resource "aws_sesv2_configuration_set_event_destination" "sns" {
  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name
  event_destination_name = "sns"

  event_destination {
    enabled              = true
    matching_event_types = local.event_types

    sns_destination {
      topic_arn = var.sns_topic_arn
    }
  }
}

# SES publishes to the default bus only; its ARN is derived rather than asked for. The account lookup
# exists only when the destination does, so plans without EventBridge need no STS call.
data "aws_partition" "current" {
  count = var.eventbridge_enabled ? 1 : 0
}

data "aws_region" "current" {
  count = var.eventbridge_enabled ? 1 : 0
}

data "aws_caller_identity" "current" {
  count = var.eventbridge_enabled ? 1 : 0
}

resource "aws_sesv2_configuration_set_event_destination" "eventbridge" {
  count = var.eventbridge_enabled ? 1 : 0

  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name
  event_destination_name = "eventbridge"

  event_destination {
    enabled              = true
    matching_event_types = local.eventbridge_event_types

    event_bridge_destination {
      event_bus_arn = "arn:${data.aws_partition.current[0].partition}:events:${data.aws_region.current[0].name}:${data.aws_caller_identity.current[0].account_id}:event-bus/default"
    }
  }
}

# Per-set counts in CloudWatch (AWS/SES, dimension ses:configuration-set, taken from SES's auto-tag):
# the delivery-health alarms and the dashboard read these. Custom metrics are billed per metric and
# dimension value, so only the types an alarm or widget reads are published.
resource "aws_sesv2_configuration_set_event_destination" "cloudwatch" {
  count = var.cloudwatch_metrics_enabled ? 1 : 0

  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name
  event_destination_name = "cloudwatch"

  event_destination {
    enabled              = true
    matching_event_types = var.cloudwatch_event_types

    cloud_watch_destination {
      dimension_configuration {
        dimension_name          = "ses:configuration-set"
        dimension_value_source  = "MESSAGE_TAG"
        default_dimension_value = var.name
      }
    }
  }
}
