terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Local state: this environment only ever targets an emulator on 127.0.0.1.
  backend "local" {}
}
