# The DNS records SES needs, computed once and either created in Route53 (zone given) or returned in
# `dns_records` for an external DNS provider (no zone). Keys are static so `for_each` works even though
# the Easy DKIM tokens are only known after the identity exists.

locals {
  dmarc_tags = compact([
    "v=DMARC1",
    "p=${var.dmarc.policy}",
    var.dmarc.subdomain_policy == null ? "" : "sp=${var.dmarc.subdomain_policy}",
    "pct=${var.dmarc.percent}",
    length(var.dmarc.rua) == 0 ? "" : "rua=${join(",", var.dmarc.rua)}",
    length(var.dmarc.ruf) == 0 ? "" : "ruf=${join(",", var.dmarc.ruf)}",
    "adkim=${var.dmarc.dkim_alignment}",
    "aspf=${var.dmarc.spf_alignment}",
  ])
  dmarc_record = join("; ", local.dmarc_tags)

  # Only SES sends with this MAIL FROM domain, so its SPF authorises SES alone. Exactly one SPF record
  # may exist per name (RFC 7208 4.5): a second one makes SPF evaluate to permerror.
  spf_record = "v=spf1 include:amazonses.com ~all"

  byodkim_record = local.byodkim_enabled ? "v=DKIM1; k=rsa; p=${var.byodkim.public_key}" : null

  easy_dkim_records = local.byodkim_enabled ? {} : {
    for i in range(3) : "dkim-${i}" => {
      name   = "${aws_sesv2_email_identity.this.dkim_signing_attributes[0].tokens[i]}._domainkey.${var.domain}"
      type   = "CNAME"
      values = ["${aws_sesv2_email_identity.this.dkim_signing_attributes[0].tokens[i]}.dkim.amazonses.com"]
    }
  }

  byodkim_records = local.byodkim_enabled ? {
    "dkim-byodkim" = {
      name   = "${var.byodkim.selector}._domainkey.${var.domain}"
      type   = "TXT"
      values = [local.byodkim_record]
    }
  } : {}

  mail_from_records = {
    "mail-from-mx" = {
      name   = local.mail_from_domain
      type   = "MX"
      values = ["10 feedback-smtp.${data.aws_region.current.name}.amazonses.com"]
    }
    "mail-from-spf" = {
      name   = local.mail_from_domain
      type   = "TXT"
      values = [local.spf_record]
    }
  }

  dmarc_records = var.dmarc.enabled ? {
    "dmarc" = {
      name   = "_dmarc.${var.domain}"
      type   = "TXT"
      values = [local.dmarc_record]
    }
  } : {}

  dns_records = merge(local.easy_dkim_records, local.byodkim_records, local.mail_from_records, local.dmarc_records)
}

resource "aws_route53_record" "this" {
  for_each = var.route53_zone_id == null ? {} : local.dns_records

  zone_id = var.route53_zone_id
  name    = each.value.name
  type    = each.value.type
  ttl     = var.dns_ttl
  # Route53 holds TXT strings of at most 255 characters; a longer value (a 2048-bit DKIM key) is split
  # into several strings of one record, which the provider expects joined by `""`.
  records = [
    for value in each.value.values : each.value.type == "TXT" ? join("\"\"", [
      for offset in range(0, length(value), 255) : substr(value, offset, 255)
    ]) : value
  ]
}
