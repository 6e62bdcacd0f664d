# Optional read API for support tooling (API Gateway HTTP API, IAM auth) over the event table, and the
# support console it can serve (JWT-authorised search; decision 0090). Off by default: scripts/mail_status.py
# with the operator's own IAM credentials covers the same lookups. The production example turns both on.

variable "status_api_enabled" {
  type        = bool
  description = "Create the IAM-authorised HTTP read API (sesmail.handlers.status_api) over the event table."
  default     = false
}

variable "support_console_enabled" {
  type        = bool
  description = "Serve the support console from the status API (GET /console; search behind a JWT authorizer). Needs status_api_enabled."
  default     = false
  nullable    = false
}

variable "support_console_cognito_domain_prefix" {
  type        = string
  description = "Globally unique prefix of the console's Cognito login domain (default \"<name_prefix>-support\"); ignored with support_console_oidc."
  default     = null
}

variable "support_console_oidc" {
  type = object({
    issuer        = string
    audience      = list(string)
    authorize_url = string
    token_url     = string
    client_id     = string
    scopes        = optional(string, "openid email")
    token_use     = optional(string, "access_token")
  })
  description = "The company's OIDC identity provider for the console (Google Workspace, Okta, Entra ID); null: a Cognito user pool. See terraform/modules/status_api/README.md."
  default     = null
}

variable "status_api_zip_path" {
  type        = string
  description = "Status API deployment zip, relative to this directory; built by `make package`."
  default     = "../../../build/lambda/status_api.zip"
}

module "status_api" {
  source = "../../modules/status_api"

  enabled              = var.status_api_enabled
  name_prefix          = local.name_prefix
  events_table_name    = module.event_pipeline.table_name
  events_table_arn     = module.event_pipeline.table_arn
  kms_key_arn          = module.event_pipeline.kms_key_arn
  lambda_zip_path      = var.status_api_zip_path
  powertools_layer_arn = var.powertools_layer_arn

  console_enabled               = var.support_console_enabled
  console_oidc                  = var.support_console_oidc
  console_cognito_domain_prefix = var.support_console_cognito_domain_prefix
}

output "status_api_endpoint" {
  description = "Invoke URL of the read API (null when status_api_enabled = false)."
  value       = module.status_api.api_endpoint
}

output "support_console_url" {
  description = "The support console's URL (null unless support_console_enabled); register it as the identity provider's redirect URI."
  value       = module.status_api.console_url
}

output "support_console_user_pool_id" {
  description = "Cognito user pool of the console's users (invite them there); null with support_console_oidc."
  value       = module.status_api.console_user_pool_id
}
