# Event publishing. Destinations are created with enabled = true explicitly: the API treats a missing
# flag as disabled, which would silently drop every event.

resource "aws_sesv2_configuration_set_event_destination" "sns" {
  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name
  event_destination_name = "sns"

  event_destination {
    enabled              = true
    matching_event_types = var.event_types

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
    matching_event_types = var.eventbridge_event_types

    event_bridge_destination {
      event_bus_arn = "arn:${data.aws_partition.current[0].partition}:events:${data.aws_region.current[0].name}:${data.aws_caller_identity.current[0].account_id}:event-bus/default"
    }
  }
}
