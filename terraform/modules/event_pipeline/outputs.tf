output "sns_topic_arn" {
  description = "ARN of the topic SES configuration sets publish events to (SNS event destination). Known only once the topic policy lets SES publish and the queue (with its dead-letter queue) is subscribed, so destinations built from it never publish into a topic that refuses or drops events."
  value       = aws_sns_topic.this.arn

  # First-apply race: without this, an event destination can be created (and SES can publish) before
  # the topic policy exists or before the queue is subscribed, and those events are lost.
  depends_on = [aws_sns_topic_policy.this, aws_sns_topic_subscription.queue]
}

output "sns_topic_name" {
  description = "Name of the SES event topic."
  value       = aws_sns_topic.this.name
}

output "queue_url" {
  description = "URL of the event queue the persister drains."
  value       = aws_sqs_queue.this.url
}

output "queue_arn" {
  description = "ARN of the event queue."
  value       = aws_sqs_queue.this.arn
}

output "queue_name" {
  description = "Name of the event queue (CloudWatch QueueName dimension)."
  value       = aws_sqs_queue.this.name
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue (source of a redrive back to queue_arn)."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue (CloudWatch QueueName dimension)."
  value       = aws_sqs_queue.dlq.name
}

output "table_name" {
  description = "Name of the DynamoDB event table (EVENTS_TABLE_NAME)."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the DynamoDB event table (built from names, so policies using it are known at plan time)."
  value       = local.table_arn
}

output "kms_key_arn" {
  description = "ARN of the pipeline's customer managed key."
  value       = aws_kms_key.this.arn
}

output "function_name" {
  description = "Name of the persister Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the persister Lambda function."
  value       = aws_lambda_function.this.arn
}

output "log_group_name" {
  description = "Log group of the persister."
  value       = aws_cloudwatch_log_group.this.name
}

output "subscription_dlq_url" {
  description = "URL of the SNS subscription's dead-letter queue (events SNS could not deliver to the queue)."
  value       = aws_sqs_queue.subscription_dlq.url
}

output "subscription_dlq_arn" {
  description = "ARN of the SNS subscription's dead-letter queue."
  value       = aws_sqs_queue.subscription_dlq.arn
}

output "subscription_dlq_name" {
  description = "Name of the SNS subscription's dead-letter queue (CloudWatch QueueName dimension)."
  value       = aws_sqs_queue.subscription_dlq.name
}
