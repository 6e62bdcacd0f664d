"""Account suppression list: classification and evidence (pure), the SESv2 adapter, reports, the audit."""
