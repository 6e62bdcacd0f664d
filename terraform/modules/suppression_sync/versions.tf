terraform {
  required_version = ">= 1.9" # target_region validation reads region

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.68, < 6.0"
    }
  }
}
