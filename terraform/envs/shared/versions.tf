terraform {
  # >= 1.10 for the S3 backend's native lock file (use_lockfile); OpenTofu >= 1.10 reads this too.
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Partial configuration: bucket/key/region/use_lockfile come from backend.hcl
  # (`make plan ENV=<env>` passes -backend-config=backend.hcl; see backend.hcl.example).
  backend "s3" {}
}
