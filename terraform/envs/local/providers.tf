# Talks to a local AWS emulator (moto server) only: fake credentials, every endpoint overridden.
provider "aws" {
  region     = var.region
  access_key = "testing"
  secret_key = "testing" #checkov:skip=CKV_AWS_41:fake key for the local emulator; never a real credential

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    cloudwatch     = var.aws_endpoint
    cloudwatchlogs = var.aws_endpoint
    dynamodb       = var.aws_endpoint
    events         = var.aws_endpoint
    iam            = var.aws_endpoint
    kms            = var.aws_endpoint
    lambda         = var.aws_endpoint
    sesv2          = var.aws_endpoint
    sns            = var.aws_endpoint
    sqs            = var.aws_endpoint
    ssm            = var.aws_endpoint
    sts            = var.aws_endpoint
  }

  default_tags {
    tags = local.tags
  }
}
