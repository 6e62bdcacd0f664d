# What only this root sets; everything else is the shared root (../shared, linked: decision 0073).
locals {
  environment                 = "production"
  deletion_protection_enabled = true # the event table's history must survive a mistaken destroy
}
