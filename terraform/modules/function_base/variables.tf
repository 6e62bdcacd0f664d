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
