# Local environment: the event pipeline and alarms on a moto server (no SES resources: moto's SESv2
# cannot hold configuration-set event destinations). `make demo` and tests/test_local_apply.py apply it.
locals {
  configuration_set_names = ["local-transactional"]
}

variable "persister_zip_path" {
  type        = string
  description = "Persister deployment zip, relative to this directory; built by `make package`."
  default     = "../../../build/lambda/persister.zip"
}

module "event_pipeline" {
  source = "../../modules/event_pipeline"

  name_prefix                 = local.name_prefix
  account_id                  = var.account_id
  region                      = var.region
  configuration_set_names     = local.configuration_set_names
  lambda_zip_path             = var.persister_zip_path
  deletion_protection_enabled = false # throw-away state on an emulator

  # moto cannot resolve AWS's published layers (and never runs the function) and does not store
  # RedriveAllowPolicy: docs/decisions/0022-local-env-on-moto.md.
  powertools_layer_arn         = null
  redrive_allow_policy_enabled = false
}

module "alarms" {
  source = "../../modules/alarms"

  name_prefix             = local.name_prefix
  account_id              = var.account_id
  region                  = var.region
  configuration_set_names = local.configuration_set_names
  queue_name              = module.event_pipeline.queue_name
  dlq_name                = module.event_pipeline.dlq_name
  subscription_dlq_name   = module.event_pipeline.subscription_dlq_name
  event_topic_name        = module.event_pipeline.sns_topic_name
  function_name           = module.event_pipeline.function_name
  daily_send_threshold    = 160 # 80 % of the sandbox quota of 200
}
