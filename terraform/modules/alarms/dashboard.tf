# One dashboard per environment, built from the alarm specs in alarms.tf: every alarm's metric is on
# the panel the alarm names, with the alarm's threshold drawn on it, so a widget cannot watch a metric
# or a level the alarm does not (and a new alarm appears on the dashboard without touching this file).
locals {
  severity_colours = { warning = "#ff7f0e", critical = "#d62728" }

  # A dashboard metric is a JSON array mixing strings and an options object, which HCL lists cannot
  # hold: each is written as JSON text (so distinct() can compare them) and decoded into the body.
  dimension_json = { for key, spec in local.alarms : key => join("", [for name, value in spec.dimensions : ",${jsonencode(name)},${jsonencode(value)}"]) }
  alarm_metric_json = {
    for key, spec in local.alarms :
    key => "[${jsonencode(spec.namespace)},${jsonencode(spec.metric_name)}${local.dimension_json[key]},${jsonencode({ stat = spec.statistic, period = spec.period })}]"
  }

  # panel -> distinct metrics of its alarms, and one annotation per alarm threshold.
  metric_panels = {
    for panel in distinct([for spec in values(local.alarms) : spec.panel]) : panel => {
      metrics = [
        for json in distinct([for key, spec in local.alarms : local.alarm_metric_json[key] if spec.panel == panel]) : jsondecode(json)
      ]
      annotations = [
        for key, spec in local.alarms : {
          label = "${spec.severity}: ${key}"
          value = spec.threshold
          color = local.severity_colours[spec.severity]
        } if spec.panel == panel
      ]
    }
  }

  # Ratio alarms: the same expression the alarm evaluates, with its threshold.
  ratio_widgets = [
    for key, spec in local.delivery_ratio_alarms : {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title  = "${key}: ${spec.label}"
        region = var.region
        view   = "timeSeries"
        period = spec.period
        metrics = [
          [{ expression = local.ratio_expressions[key], label = spec.label, id = "ratio" }],
          ["AWS/SES", "Send", "ses:configuration-set", spec.dimensions["ses:configuration-set"], { id = "sends", stat = "Sum", visible = false }],
          ["AWS/SES", spec.numerator, "ses:configuration-set", spec.dimensions["ses:configuration-set"], { id = "part", stat = "Sum", visible = false }],
        ]
        annotations = { horizontal = [{ label = "${spec.severity}: ${key}", value = spec.threshold, color = local.severity_colours[spec.severity] }] }
      }
    }
  ]

  # Volume per configuration set from the CloudWatch event destination (no alarm draws these).
  volume_widgets = [
    for name in local.delivery_health_sets : {
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title   = "${name}: events per 5 minutes"
        region  = var.region
        view    = "timeSeries"
        stacked = false
        period  = 300
        metrics = [
          for metric in ["Send", "Delivery", "Bounce", "Complaint", "DeliveryDelay", "Reject", "RenderingFailure"] :
          ["AWS/SES", metric, "ses:configuration-set", name, { stat = "Sum" }]
        ]
      }
    }
  ]

  # Persister load beside its alarms' metrics: how long and how wide it runs.
  pipeline_extra_widget = {
    type   = "metric"
    width  = 12
    height = 6
    properties = {
      title  = "persister duration and concurrency"
      region = var.region
      view   = "timeSeries"
      period = 300
      metrics = [
        ["AWS/Lambda", "Duration", "FunctionName", var.function_name, { stat = "p95" }],
        ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", var.function_name, { stat = "Maximum", yAxis = "right" }],
      ]
    }
  }

  failover_widgets = concat(
    var.outbox_queue_name == null ? [] : [{
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title  = "failover outbox"
        region = var.region
        view   = "timeSeries"
        period = 300
        metrics = [
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.outbox_queue_name, { stat = "Maximum" }],
          ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.outbox_queue_name, { stat = "Maximum", yAxis = "right" }],
        ]
      }
    }],
    var.sending_metrics_namespace == null ? [] : [{
      type   = "metric"
      width  = 12
      height = 6
      properties = {
        title  = "sending failover"
        region = var.region
        view   = "timeSeries"
        period = 300
        metrics = [
          for metric in ["Failovers", "CircuitOpened", "OutboxQueued", "OutboxParked", "ReplaySent", "ReplayFailures"] :
          [var.sending_metrics_namespace, metric, { stat = "Sum" }]
        ]
      }
    }],
  )

  alarm_arns = [
    for name in concat(
      [for a in aws_cloudwatch_metric_alarm.this : a.alarm_name],
      [for a in aws_cloudwatch_metric_alarm.ratio : a.alarm_name],
      [aws_cloudwatch_metric_alarm.events_stopped.alarm_name],
    ) : "arn:${local.partition}:cloudwatch:${var.region}:${var.account_id}:alarm:${name}"
  ]

  dashboard_widgets = concat(
    [{
      type   = "alarm"
      width  = 24
      height = 4
      properties = {
        title  = "alarms (warning and critical)"
        alarms = slice(sort(local.alarm_arns), 0, min(length(local.alarm_arns), 100)) # widget limit
      }
    }],
    [
      for panel in sort(keys(local.metric_panels)) : {
        type   = "metric"
        width  = 12
        height = 6
        properties = {
          title       = panel
          region      = var.region
          view        = "timeSeries"
          metrics     = local.metric_panels[panel].metrics
          annotations = { horizontal = local.metric_panels[panel].annotations }
        }
      }
    ],
    local.ratio_widgets,
    local.volume_widgets,
    var.function_name == null ? [] : [local.pipeline_extra_widget],
    local.failover_widgets,
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.dashboard_enabled ? 1 : 0

  dashboard_name = "${var.name_prefix}-mail"
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
