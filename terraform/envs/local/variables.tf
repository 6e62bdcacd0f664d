variable "aws_endpoint" {
  type        = string
  description = "Base URL of the local AWS emulator (moto server), e.g. http://127.0.0.1:5000."
  default     = "http://127.0.0.1:5000"

  validation {
    condition     = can(regex("^http://(127\\.0\\.0\\.1|localhost):[0-9]+$", var.aws_endpoint))
    error_message = "aws_endpoint must be a loopback URL like http://127.0.0.1:5000: the local env never talks to real AWS."
  }
}

variable "region" {
  type        = string
  description = "Region name used against the emulator."
  default     = "us-east-1"
}

variable "account_id" {
  type        = string
  description = "Account ID the emulator reports (moto's default is 123456789012)."
  default     = "123456789012"
}
