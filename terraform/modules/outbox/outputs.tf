output "queue_url" {
  description = "Outbox queue URL senders give FailoverSender (OUTBOX_QUEUE_URL)."
  value       = aws_sqs_queue.this.url
}

output "queue_arn" {
  description = "Outbox queue ARN (senders need sqs:SendMessage on it)."
  value       = aws_sqs_queue.this.arn
}

output "queue_name" {
  description = "Outbox queue name."
  value       = aws_sqs_queue.this.name
}

output "parked_queue_url" {
  description = "Parked queue URL (OUTBOX_PARKED_QUEUE_URL): mail that needs a person."
  value       = aws_sqs_queue.parked.url
}

output "dlq_url" {
  description = "Outbox DLQ URL: mail the replay function crashed on."
  value       = aws_sqs_queue.dlq.url
}

output "kms_key_arn" {
  description = "CMK of the outbox queues (senders need kms:GenerateDataKey and kms:Decrypt on it through SQS)."
  value       = aws_kms_key.this.arn
}

output "function_name" {
  description = "The replay Lambda."
  value       = aws_lambda_function.this.function_name
}

output "alarm_names" {
  description = "The outbox alarms."
  value = concat(
    [aws_cloudwatch_metric_alarm.failover_active.alarm_name, aws_cloudwatch_metric_alarm.not_draining.alarm_name, aws_cloudwatch_metric_alarm.outbox_age.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.needs_a_person : a.alarm_name],
  )
}
