variable "domain" {
  type        = string
  description = "Domain to send from (the SES identity), lower case, e.g. `mail.example.com` or `example.com`."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain)) && length(var.domain) <= 253
    error_message = "domain must be a lower-case fully qualified domain name such as example.com (no trailing dot, no scheme, no upper case)."
  }
}

variable "configuration_set_name" {
  type        = string
  description = "Configuration set SES applies to every message from this domain that names none (TLS, suppression and event publishing live there)."
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.configuration_set_name))
    error_message = "configuration_set_name must be 1-64 characters of letters, digits, '_' and '-'."
  }
}

variable "dkim_signing_key_length" {
  type        = string
  description = "Easy DKIM key length for the next key rotation. SES allows changing it at most once a day. Ignored with `byodkim`."
  default     = "RSA_2048_BIT"
  nullable    = false

  validation {
    condition     = contains(["RSA_2048_BIT", "RSA_1024_BIT"], var.dkim_signing_key_length)
    error_message = "dkim_signing_key_length must be RSA_2048_BIT (recommended) or RSA_1024_BIT."
  }
}

variable "byodkim" {
  type = object({
    selector   = string
    public_key = string
  })
  description = "Bring-your-own DKIM instead of Easy DKIM: the selector and the base64 public key (no PEM armour) published as `<selector>._domainkey.<domain>` TXT. The private key goes in `byodkim_private_key`. Null = Easy DKIM."
  default     = null

  validation {
    condition = var.byodkim == null ? true : (
      can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.byodkim.selector)) &&
      can(regex("^[A-Za-z0-9+/]+={0,2}$", var.byodkim.public_key))
    )
    error_message = "byodkim.selector must be one DNS label (lower case) and byodkim.public_key the base64 public key without PEM header, footer or line breaks."
  }
}

variable "byodkim_private_key" {
  type        = string
  description = "Base64 (PKCS#1, no PEM armour) private key for BYODKIM. Required when `byodkim` is set. It is stored in the Terraform state in clear text: the state backend must be encrypted and access-controlled."
  default     = null
  sensitive   = true

  validation {
    condition = var.byodkim_private_key == null ? true : (
      can(regex("^[A-Za-z0-9+/]+={0,2}$", var.byodkim_private_key)) && length(var.byodkim_private_key) % 4 == 0
    )
    error_message = "byodkim_private_key must be the base64 key body without PEM header, footer or line breaks."
  }
}

variable "mail_from_subdomain" {
  type        = string
  description = "Label of the custom MAIL FROM domain under `domain` (`bounce` gives `bounce.<domain>`). It must not be used for anything else: it gets its own MX and SPF records."
  default     = "bounce"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.mail_from_subdomain))
    error_message = "mail_from_subdomain must be a single lower-case DNS label such as bounce."
  }
}

variable "mail_from_behavior_on_mx_failure" {
  type        = string
  description = "What SES does when the MAIL FROM MX record is missing: `USE_DEFAULT_VALUE` (send with amazonses.com as MAIL FROM, breaking SPF alignment) or `REJECT_MESSAGE`."
  default     = "USE_DEFAULT_VALUE"
  nullable    = false

  validation {
    condition     = contains(["USE_DEFAULT_VALUE", "REJECT_MESSAGE"], var.mail_from_behavior_on_mx_failure)
    error_message = "mail_from_behavior_on_mx_failure must be USE_DEFAULT_VALUE or REJECT_MESSAGE."
  }
}

variable "route53_zone_id" {
  type        = string
  description = "Route53 hosted zone that serves `domain`. Given: the module creates every DNS record. Null: no DNS is created and `dns_records` lists what to add at the external DNS provider."
  default     = null

  validation {
    condition     = var.route53_zone_id == null ? true : can(regex("^Z[A-Z0-9]{1,31}$", var.route53_zone_id))
    error_message = "route53_zone_id must be a Route53 hosted zone ID such as Z0123456789ABCDEFGHIJ (or null for external DNS)."
  }
}

variable "dns_ttl" {
  type        = number
  description = "TTL in seconds of the records this module creates or lists."
  default     = 1800
  nullable    = false

  validation {
    condition     = var.dns_ttl >= 60 && var.dns_ttl <= 172800 && floor(var.dns_ttl) == var.dns_ttl
    error_message = "dns_ttl must be a whole number of seconds between 60 and 172800."
  }
}

variable "dmarc" {
  type = object({
    enabled          = optional(bool, true)
    policy           = optional(string, "none")
    subdomain_policy = optional(string)
    percent          = optional(number, 100)
    rua              = optional(list(string), [])
    ruf              = optional(list(string), [])
    dkim_alignment   = optional(string, "r")
    spf_alignment    = optional(string, "r")
  })
  description = "DMARC record on `_dmarc.<domain>`. Start with `policy = \"none\"` and aggregate reports (`rua`), then move to quarantine/reject. Set `enabled = false` when the record is managed elsewhere (e.g. on the organisational domain)."
  default     = {}
  nullable    = false

  validation {
    condition     = contains(["none", "quarantine", "reject"], var.dmarc.policy) && (var.dmarc.subdomain_policy == null ? true : contains(["none", "quarantine", "reject"], var.dmarc.subdomain_policy))
    error_message = "dmarc.policy and dmarc.subdomain_policy must be one of none, quarantine, reject."
  }

  validation {
    condition     = var.dmarc.percent >= 0 && var.dmarc.percent <= 100 && floor(var.dmarc.percent) == var.dmarc.percent
    error_message = "dmarc.percent must be a whole number from 0 to 100."
  }

  validation {
    condition     = alltrue([for uri in concat(var.dmarc.rua, var.dmarc.ruf) : can(regex("^mailto:[^@\\s,;!]+@[^@\\s,;!]+$", uri))])
    error_message = "dmarc.rua and dmarc.ruf entries must be mailto: URIs such as mailto:dmarc-reports@example.com."
  }

  validation {
    condition     = contains(["r", "s"], var.dmarc.dkim_alignment) && contains(["r", "s"], var.dmarc.spf_alignment)
    error_message = "dmarc.dkim_alignment and dmarc.spf_alignment must be r (relaxed) or s (strict)."
  }
}

variable "email_feedback_forwarding_enabled" {
  type        = bool
  description = "Email bounce and complaint notifications to the message's Return-Path. Off by default: the identity's default configuration set publishes them as events (SES still emails them if no other route exists)."
  default     = false
  nullable    = false
}

variable "tags" {
  type        = map(string)
  description = "Tags for the email identity."
  default     = {}
  nullable    = false
}
