# Upgrade from the single-region layout (before decision 0073): SES moved into module.primary_region.
# Whole module calls move, so every instance key and resource inside keeps its identity: nothing is
# destroyed or recreated (a replaced identity means new DKIM tokens and a sending outage).
# tests/test_region_upgrade.py maps every address of the old layout through these blocks.
moved {
  from = module.ses_account
  to   = module.primary_region.module.ses_account
}

moved {
  from = module.ses_configuration_set
  to   = module.primary_region.module.ses_configuration_set
}

moved {
  from = module.ses_domain
  to   = module.primary_region.module.ses_domain
}
