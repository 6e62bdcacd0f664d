output "bucket_name" {
  description = "S3 bucket holding the archive (events/yyyy/MM/dd/, athena-results/, errors/)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the archive bucket."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "ARN of the archive's customer managed key (bucket, stream, logs, query results)."
  value       = aws_kms_key.this.arn
}

output "delivery_stream_arn" {
  description = "ARN of the Firehose stream subscribed to the event topic."
  value       = aws_kinesis_firehose_delivery_stream.this.arn
}

output "subscription_arn" {
  description = "ARN of the topic subscription that feeds the archive."
  value       = aws_sns_topic_subscription.archive.arn
}

output "glue_database_name" {
  description = "Glue database of the archive table."
  value       = aws_glue_catalog_database.this.name
}

output "glue_table_name" {
  description = "Glue table of archived events (partition dt = arrival day yyyy/MM/dd)."
  value       = aws_glue_catalog_table.events.name
}

output "athena_workgroup_name" {
  description = "Athena workgroup to run archive queries in (results encrypted, scan cutoff)."
  value       = aws_athena_workgroup.this.name
}

output "named_query_ids" {
  description = "Athena named query IDs by purpose: rates_by_domain_and_configuration_set, message_history."
  value       = { for key, query in aws_athena_named_query.this : key => query.id }
}

output "ledger_function_name" {
  description = "Name of the daily delivery ledger function (null when ledger_enabled is false)."
  value       = one(aws_lambda_function.ledger[*].function_name)
}

output "ledger_alarm_names" {
  description = "Names of the ledger alarms (no outcome within 24 h, ledger errors); empty when disabled."
  value       = concat(aws_cloudwatch_metric_alarm.no_outcome[*].alarm_name, aws_cloudwatch_metric_alarm.ledger_errors[*].alarm_name)
}
