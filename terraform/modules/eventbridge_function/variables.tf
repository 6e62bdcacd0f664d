variable "function_name" {
  type        = string
  description = "Name of the Lambda function the caller creates; names the role, key alias and log group."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,63}$", var.function_name))
    error_message = "function_name must be 2-64 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "role_description" {
  type        = string
  description = "Description of the execution role (what the function may do)."
}

variable "description" {
  type        = string
  description = "Description of the function."
}

variable "handler" {
  type        = string
  description = "Handler string (module.function inside the zip); the caller writes it literally in its lambda.tf."

  validation {
    condition     = can(regex("^sesmail(\\.[a-z_]+)+$", var.handler))
    error_message = "handler must be a dotted sesmail.<module>.<function> name."
  }
}

variable "environment" {
  type        = map(string)
  description = "Environment variables of the function (POWERTOOLS_LOG_LEVEL is added from `function.log_level`)."
  default     = {}
  nullable    = false
}

variable "policy" {
  type = object({
    Version = string
    Statement = list(object({
      Sid       = string
      Effect    = string
      Action    = list(string)
      Resource  = any
      Condition = optional(map(map(string)))
    }))
  })
  description = "IAM policy document for the AWS calls the function's code makes (logs, traces and the environment key are granted here already)."
}

variable "timeout_seconds" {
  type        = number
  description = "Function timeout."
  default     = 30
  nullable    = false
}

variable "schedule_expression" {
  type        = string
  description = "Invoke on this schedule (`rate(...)`/`cron(...)`). Exactly one of this and `event_pattern`."
  default     = null
}

variable "event_pattern" {
  type        = any
  description = "Invoke for events matching this EventBridge pattern (an object, JSON-encoded here). Exactly one of this and `schedule_expression`."
  default     = null
}

variable "rule_description" {
  type        = string
  description = "Description of the EventBridge rule; end it with `Runbook: <base>/<runbook>.md` (tests/test_runbooks.py checks every rule in a plan does)."

  validation {
    condition     = can(regex("Runbook: \\S+/[a-z0-9-]+\\.md$", var.rule_description))
    error_message = "rule_description must end with 'Runbook: <base>/<runbook>.md'."
  }
}

variable "retry" {
  type = object({
    maximum_event_age_seconds = number
    maximum_attempts          = number
  })
  description = "How long and how often EventBridge retries a failed invocation."
  nullable    = false
}

variable "lambda_zip_path" {
  type        = string
  description = "Deployment zip of the function (built by `make package`)."
}

variable "powertools_layer_arn" {
  type        = string
  description = "ARN of the AWS-published Powertools for AWS Lambda (Python) v3 layer for python3.12 arm64."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", var.powertools_layer_arn))
    error_message = "powertools_layer_arn must be a Lambda layer version ARN."
  }
}

variable "reserved_concurrency" {
  type        = number
  description = "Reserved concurrency, 1-5, or -1 for none. Reserving needs unreserved account concurrency to spare: new accounts may have a limit of 10 with nothing reservable; then pass -1 or request an increase."
  default     = 1
  nullable    = false

  validation {
    condition     = var.reserved_concurrency == -1 || (var.reserved_concurrency >= 1 && var.reserved_concurrency <= 5)
    error_message = "reserved_concurrency must be between 1 and 5, or -1 (no reservation)."
  }
}

variable "log_level" {
  type        = string
  description = "POWERTOOLS_LOG_LEVEL of the function."
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "account_id" {
  type        = string
  description = "AWS account ID (ARNs in policies are built at plan time)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  type        = string
  description = "AWS region of the function."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function's log group."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, …, 365, …, 3653)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}
