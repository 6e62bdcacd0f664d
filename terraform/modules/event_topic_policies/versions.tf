terraform {
  # No provider: this module only builds documents.
  required_version = ">= 1.7"
}
