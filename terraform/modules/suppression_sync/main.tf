# The scheduled suppression sync (docs/suppression-sync.md): a Lambda in the primary region lists the
# primary's and the standby's account-level suppression lists and adds or upgrades the standby's
# entries, so a failover (decision 0070) never mails an address the primary suppressed. Add and update
# only: never deletes (the standby's own bounces and complaints must survive).
locals {
  function_name = "${var.name_prefix}-suppression-sync"

  policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # The account-level suppression list has no resource type (decision 0021): the region
        # conditions are what keep the role to the two lists it compares, and writes to the standby's.
        Sid       = "ListPrimarySuppressionList"
        Effect    = "Allow"
        Action    = ["ses:ListSuppressedDestinations"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:RequestedRegion" = var.region } }
      },
      {
        Sid       = "SyncStandbySuppressionList"
        Effect    = "Allow"
        Action    = ["ses:ListSuppressedDestinations", "ses:PutSuppressedDestination"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:RequestedRegion" = var.target_region } }
      },
    ]
  }
}
