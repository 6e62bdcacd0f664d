# Optional read API for support tooling (API Gateway HTTP API, IAM auth) over the event table.
# Off by default: scripts/mail_status.py with the operator's own IAM credentials covers the same lookups.

variable "status_api_enabled" {
  type        = bool
  description = "Create the IAM-authorised HTTP read API (sesmail.handlers.status_api) over the event table."
  default     = false
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
}

output "status_api_endpoint" {
  description = "Invoke URL of the read API (null when status_api_enabled = false)."
  value       = module.status_api.api_endpoint
}
