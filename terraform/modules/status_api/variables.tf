variable "enabled" {
  type        = bool
  description = "Create the read API. Off by default: support can use scripts/mail_status.py with their own IAM credentials instead."
  default     = false
  nullable    = false
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (lower-case letters, digits, hyphens), e.g. \"ses-production\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must be 2-41 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "events_table_name" {
  type        = string
  description = "Name of the SES events table (output of the event_pipeline module)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.events_table_name))
    error_message = "events_table_name must be a valid DynamoDB table name."
  }
}

variable "events_table_arn" {
  type        = string
  description = "ARN of the SES events table; the role may Query it and its recipient index, nothing else."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+$", var.events_table_arn))
    error_message = "events_table_arn must be a DynamoDB table ARN."
  }
}

variable "recipient_index_name" {
  type        = string
  description = "Name of the recipient index (RECIPIENT_INDEX_NAME in lambda_src/sesmail/events/schema.py)."
  default     = "recipient-index"
}

variable "kms_key_arn" {
  type        = string
  description = "CMK of the events table; also encrypts the function's environment (the log groups have a key of their own, kms.tf)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "lambda_zip_path" {
  type        = string
  description = "Path of the deployment zip built by `make package` (build/lambda/status_api.zip)."
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
  description = "Reserved concurrency of the API function: bounds read load on the table."
  default     = 5

  validation {
    condition     = var.reserved_concurrency >= 1 && var.reserved_concurrency <= 100
    error_message = "reserved_concurrency must be between 1 and 100."
  }
}

variable "throttling_rate_limit" {
  type        = number
  description = "Steady-state requests per second the API stage accepts."
  default     = 5

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 1000
    error_message = "throttling_rate_limit must be between 0 (exclusive) and 1000."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the function and access log groups. Logs hold masked addresses only."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, …, 365, …, 3653)."
  }
}

variable "log_level" {
  type        = string
  description = "POWERTOOLS_LOG_LEVEL of the function."
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource."
  default     = {}
  nullable    = false
}

variable "console_enabled" {
  type        = bool
  description = "Serve the support console (GET /console, JWT-authorised search) from this API; needs enabled = true. Off by default."
  default     = false
  nullable    = false
}

variable "console_oidc" {
  type = object({
    issuer        = string
    audience      = list(string)
    authorize_url = string
    token_url     = string
    client_id     = string
    scopes        = optional(string, "openid email")
    token_use     = optional(string, "access_token")
  })
  description = "The console's identity provider, any OIDC issuer (Google Workspace, Okta, Entra ID): the JWT authorizer's issuer and audience, and the page's public PKCE client. null (default): a Cognito user pool created by this module. Register <console_url> as the client's redirect URI. Google issues opaque access tokens: use token_use = \"id_token\" with audience = [client_id]."
  default     = null

  validation {
    condition = var.console_oidc == null || alltrue([
      for url in [try(var.console_oidc.issuer, ""), try(var.console_oidc.authorize_url, ""), try(var.console_oidc.token_url, "")] : startswith(url, "https://")
    ])
    error_message = "console_oidc issuer, authorize_url and token_url must be https:// URLs."
  }
  validation {
    condition     = var.console_oidc == null || contains(["access_token", "id_token"], try(var.console_oidc.token_use, ""))
    error_message = "console_oidc.token_use must be \"access_token\" or \"id_token\"."
  }
  validation {
    condition     = var.console_oidc == null || length(try(var.console_oidc.audience, [])) > 0
    error_message = "console_oidc.audience must name at least one audience (usually the client id)."
  }
}

variable "console_cognito_domain_prefix" {
  type        = string
  description = "Prefix of the Cognito hosted login domain (<prefix>.auth.<region>.amazoncognito.com) when console_oidc is null; globally unique. Default \"<name_prefix>-support\"."
  default     = null

  validation {
    condition     = var.console_cognito_domain_prefix == null || can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.console_cognito_domain_prefix))
    error_message = "console_cognito_domain_prefix must be 1-63 lower-case letters, digits or hyphens, not starting or ending with a hyphen."
  }
}
