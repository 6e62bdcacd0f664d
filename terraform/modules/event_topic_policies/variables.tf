variable "account_id" {
  type        = string
  description = "AWS account ID of the topic (aws:SourceAccount, the key's root principal)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "partition" {
  type        = string
  description = "AWS partition of the ARNs."
  default     = "aws"
  nullable    = false
}

variable "topic_arn" {
  type        = string
  description = "ARN of the SES event topic, built from names so every document is known at plan time."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN."
  }
}

variable "configuration_set_arns" {
  type        = list(string)
  description = "SES configuration sets allowed to publish to the topic (aws:SourceArn of the topic policy)."
  nullable    = false

  validation {
    condition     = length(var.configuration_set_arns) > 0 && alltrue([for arn in var.configuration_set_arns : can(regex("^arn:aws[a-z-]*:ses:[a-z0-9-]+:[0-9]{12}:configuration-set/[A-Za-z0-9_-]{1,64}$", arn))])
    error_message = "configuration_set_arns needs at least one SES configuration set ARN."
  }
}

variable "subscription_dlq_arn" {
  type        = string
  description = "ARN of the SQS dead-letter queue of the topic's SQS subscription."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}$", var.subscription_dlq_arn))
    error_message = "subscription_dlq_arn must be an SQS queue ARN."
  }
}
