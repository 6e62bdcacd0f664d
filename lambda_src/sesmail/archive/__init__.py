"""The SES event archive (terraform/modules/event_archive): the daily delivery ledger over it."""
