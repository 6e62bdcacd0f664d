variable "name_prefix" {
  type        = string
  description = "Prefix for every resource name, e.g. ses-production."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must be 2-41 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "account_id" {
  type        = string
  description = "AWS account ID the pipeline lives in. Passed in (not looked up) so policies are known at plan time and tests need no STS call."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  type        = string
  description = "AWS region of SES and the pipeline (used to build ARNs for policy conditions)."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "configuration_set_names" {
  type        = list(string)
  description = "SES configuration sets allowed to publish events to the topic (aws:SourceArn of the topic and key policies)."
  nullable    = false

  validation {
    condition     = length(var.configuration_set_names) > 0 && alltrue([for n in var.configuration_set_names : can(regex("^[A-Za-z0-9_-]{1,64}$", n))])
    error_message = "configuration_set_names needs at least one name of 1-64 letters, digits, '_' or '-'."
  }
}

variable "cross_region_topic_arns" {
  type        = list(string)
  description = "SES event topics in other regions (a standby region's, same account) subscribed to the queue: the queue and key policies let SNS deliver from exactly these (aws:SourceArn)."
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.cross_region_topic_arns : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", arn))])
    error_message = "cross_region_topic_arns must be SNS topic ARNs."
  }
}

variable "lambda_zip_path" {
  type        = string
  description = "Path of the persister deployment zip built by `make package` (build/lambda/persister.zip)."
}

variable "powertools_layer_arn" {
  type        = string
  description = "ARN of the AWS-published Powertools for AWS Lambda (Python) layer for python3.12 arm64 in this region. null only on an emulator that cannot resolve AWS's layers and never runs the function (envs/local)."

  validation {
    condition     = var.powertools_layer_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", var.powertools_layer_arn))
    error_message = "powertools_layer_arn must be a versioned Lambda layer ARN (…:layer:NAME:VERSION)."
  }
}

variable "lambda_timeout_seconds" {
  type        = number
  description = "Persister timeout. The queue's visibility timeout must be at least 6x this (AWS guidance for SQS event sources)."
  default     = 30

  validation {
    condition     = var.lambda_timeout_seconds >= 3 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be between 3 and 900."
  }
}

variable "lambda_memory_mb" {
  type        = number
  description = "Persister memory size in MB."
  default     = 256

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be between 128 and 10240."
  }
}

variable "reserved_concurrency" {
  type        = number
  description = "Reserved concurrency of the persister: caps DynamoDB write pressure and guarantees capacity. Must exceed max_concurrency of the event source mapping."
  default     = 10

  validation {
    condition     = var.reserved_concurrency >= 2 && var.reserved_concurrency <= 1000
    error_message = "reserved_concurrency must be between 2 and 1000."
  }
}

variable "queue_visibility_timeout_seconds" {
  type        = number
  description = "Visibility timeout of the event queue; at least 6x lambda_timeout_seconds (checked by a precondition)."
  default     = 180

  validation {
    condition     = var.queue_visibility_timeout_seconds >= 0 && var.queue_visibility_timeout_seconds <= 43200
    error_message = "queue_visibility_timeout_seconds must be between 0 and 43200 (12 hours)."
  }
}

variable "queue_message_retention_seconds" {
  type        = number
  description = "How long an unprocessed event stays in the main queue (default 4 days)."
  default     = 345600

  validation {
    condition     = var.queue_message_retention_seconds >= 60 && var.queue_message_retention_seconds <= 1209600
    error_message = "queue_message_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "max_receive_count" {
  type        = number
  description = "Receives before a message moves to the DLQ (redrive policy maxReceiveCount)."
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "batch_size" {
  type        = number
  description = "Messages per persister invocation. Above 10 needs maximum_batching_window_seconds >= 1 (checked by a precondition)."
  default     = 25

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000."
  }
}

variable "maximum_batching_window_seconds" {
  type        = number
  description = "How long the event source mapping gathers messages before invoking (trades latency for fewer invocations)."
  default     = 5

  validation {
    condition     = var.maximum_batching_window_seconds >= 0 && var.maximum_batching_window_seconds <= 300
    error_message = "maximum_batching_window_seconds must be between 0 and 300."
  }
}

variable "maximum_concurrency" {
  type        = number
  description = "Event source mapping maximum concurrency (2-1000); kept below reserved_concurrency so the poller never throttles itself."
  default     = 5

  validation {
    condition     = var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000
    error_message = "maximum_concurrency must be between 2 and 1000 (AWS limits)."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the persister's log group. Logs hold masked addresses only."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, …, 365, …, 3653)."
  }
}

variable "log_level" {
  type        = string
  description = "POWERTOOLS_LOG_LEVEL of the persister."
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "event_retention_days" {
  type        = number
  description = "Days an event item lives before DynamoDB TTL deletes it (EVENT_RETENTION_DAYS)."
  default     = 90

  validation {
    condition     = var.event_retention_days >= 1 && var.event_retention_days <= 3650
    error_message = "event_retention_days must be between 1 and 3650."
  }
}

variable "store_subject" {
  type        = bool
  description = "Store the mail subject with each event (STORE_SUBJECT). Off by default: subjects can hold personal data."
  default     = false
  nullable    = false
}

variable "service_name" {
  type        = string
  description = "POWERTOOLS_SERVICE_NAME of the persister (log and metric dimension)."
  default     = "ses-event-persister"
}

variable "deletion_protection_enabled" {
  type        = bool
  description = "DynamoDB deletion protection on the event table (keep true in production)."
  default     = true
  nullable    = false
}

variable "redrive_allow_policy_enabled" {
  type        = bool
  description = "Restrict the DLQ to this queue as its only source (redrive-allow policy). Only envs/local turns it off: moto 5.2 does not store RedriveAllowPolicy and the provider would wait forever."
  default     = true
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource of the module."
  default     = {}
  nullable    = false
}
