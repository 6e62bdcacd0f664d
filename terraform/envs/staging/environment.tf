# What only this root sets; everything else is the shared root (../shared, linked: decision 0073).
locals {
  environment                 = "staging"
  deletion_protection_enabled = false # staging may be torn down and rebuilt
}
