# Glue table over the archived JSON lines, partitioned by arrival day with partition projection (no
# crawler, no MSCK REPAIR: a new day is queryable as soon as Firehose writes it), an Athena workgroup
# with encrypted results and a scan cutoff, and the named queries support and operators need.
locals {
  database_name = replace("${var.name_prefix}_ses_archive", "-", "_")
  table_name    = "events"
  qualified     = "\"${local.database_name}\".\"${local.table_name}\""
  recipient     = "struct<emailaddress:string,action:string,status:string,diagnosticcode:string>"
  columns = {
    eventtype        = "string"
    notificationtype = "string"
    mail = join("", [
      "struct<timestamp:string,messageid:string,source:string,sourcearn:string,sendingaccountid:string,",
      "destination:array<string>,headerstruncated:boolean,headers:array<struct<name:string,value:string>>,",
      "commonheaders:struct<from:array<string>,to:array<string>,messageid:string,subject:string>,",
      "tags:map<string,array<string>>>",
    ])
    delivery      = "struct<timestamp:string,processingtimemillis:bigint,recipients:array<string>,smtpresponse:string,reportingmta:string>"
    bounce        = "struct<bouncetype:string,bouncesubtype:string,bouncedrecipients:array<${local.recipient}>,timestamp:string,feedbackid:string,reportingmta:string>"
    complaint     = "struct<complainedrecipients:array<struct<emailaddress:string>>,timestamp:string,feedbackid:string,complaintsubtype:string,useragent:string,complaintfeedbacktype:string,arrivaldate:string>"
    deliverydelay = "struct<timestamp:string,delaytype:string,expirationtime:string,delayedrecipients:array<${local.recipient}>,reportingmta:string>"
    reject        = "struct<reason:string>"
    failure       = "struct<errormessage:string,templatename:string>"
    open          = "struct<ipaddress:string,timestamp:string,useragent:string>"
    click         = "struct<ipaddress:string,timestamp:string,useragent:string,link:string,linktags:map<string,array<string>>>"
  }
}

resource "aws_glue_catalog_database" "this" {
  name        = local.database_name
  description = "SES events archived from ${var.topic_arn}"
}

resource "aws_glue_catalog_table" "events" {
  name          = local.table_name
  database_name = aws_glue_catalog_database.this.name
  description   = "One row per SES event (JSON lines, gzip), partition dt = arrival day yyyy/MM/dd (UTC)"
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    EXTERNAL                      = "TRUE"
    classification                = "json"
    "compressionType"             = "gzip"
    "projection.enabled"          = "true"
    "projection.dt.type"          = "date"
    "projection.dt.format"        = "yyyy/MM/dd"
    "projection.dt.range"         = "${var.partition_start_date},NOW"
    "projection.dt.interval"      = "1"
    "projection.dt.interval.unit" = "DAYS"
    "storage.location.template"   = "s3://${local.bucket_name}/${local.events_prefix}$${dt}/"
  }

  partition_keys {
    name = "dt"
    type = "string"
  }

  storage_descriptor {
    location      = "s3://${local.bucket_name}/${local.events_prefix}"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters = {
        # Unknown future event types and fields are skipped, never a failed query.
        "ignore.malformed.json" = "true"
        "case.insensitive"      = "true"
      }
    }

    dynamic "columns" {
      for_each = local.columns
      content {
        name = columns.key
        type = columns.value
      }
    }
  }
}

resource "aws_athena_workgroup" "this" {
  name        = "${var.name_prefix}-ses-archive"
  description = "Queries over the SES event archive"
  state       = "ENABLED"

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    result_configuration {
      output_location = "s3://${local.bucket_name}/${local.results_path}"
      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = aws_kms_key.this.arn
      }
    }
  }

  tags = var.tags
}

locals {
  named_queries = {
    rates_by_domain_and_configuration_set = {
      description = "Hard-bounce and complaint rates per configuration set and recipient domain, days ? to ? (yyyy/MM/dd)."
      query       = <<-SQL
        -- Execution parameters: first day, last day (yyyy/MM/dd). Rates are per recipient, as SES counts them.
        WITH outcomes AS (
          SELECT element_at(mail.tags['ses:configuration-set'], 1) AS configuration_set,
                 lower(split_part(recipient, '@', 2)) AS domain, 'sent' AS kind
          FROM ${local.qualified} CROSS JOIN UNNEST(mail.destination) AS t(recipient)
          WHERE dt BETWEEN ? AND ? AND eventtype = 'Send'
          UNION ALL
          SELECT element_at(mail.tags['ses:configuration-set'], 1),
                 lower(split_part(r.emailaddress, '@', 2)), 'hard_bounce'
          FROM ${local.qualified} CROSS JOIN UNNEST(bounce.bouncedrecipients) AS t(r)
          WHERE dt BETWEEN ? AND ? AND eventtype = 'Bounce' AND bounce.bouncetype = 'Permanent'
          UNION ALL
          SELECT element_at(mail.tags['ses:configuration-set'], 1),
                 lower(split_part(r.emailaddress, '@', 2)), 'complaint'
          FROM ${local.qualified} CROSS JOIN UNNEST(complaint.complainedrecipients) AS t(r)
          WHERE dt BETWEEN ? AND ? AND eventtype = 'Complaint'
        )
        SELECT configuration_set, domain,
               count_if(kind = 'sent') AS sent,
               count_if(kind = 'hard_bounce') AS hard_bounces,
               count_if(kind = 'complaint') AS complaints,
               round(count_if(kind = 'hard_bounce') * 1.0 / nullif(count_if(kind = 'sent'), 0), 4) AS bounce_rate,
               round(count_if(kind = 'complaint') * 1.0 / nullif(count_if(kind = 'sent'), 0), 4) AS complaint_rate
        FROM outcomes
        GROUP BY configuration_set, domain
        ORDER BY sent DESC
      SQL
    }
    message_history = {
      description = "Every archived event of one SES message id (parameters: message id, first day, last day), oldest first: history past the event table's TTL."
      query       = <<-SQL
        -- Execution parameters: SES message id, first day, last day (yyyy/MM/dd) to bound the scan.
        SELECT coalesce(delivery.timestamp, bounce.timestamp, complaint.timestamp, deliverydelay.timestamp,
                        open.timestamp, click.timestamp, mail.timestamp) AS event_at,
               eventtype, mail.destination AS recipients,
               bounce.bouncetype, bounce.bouncesubtype, bounce.bouncedrecipients,
               complaint.complaintfeedbacktype, deliverydelay.delaytype, reject.reason AS reject_reason,
               delivery.smtpresponse, click.link,
               element_at(mail.tags['ses:configuration-set'], 1) AS configuration_set, dt
        FROM ${local.qualified}
        WHERE mail.messageid = ? AND dt BETWEEN ? AND ?
        ORDER BY event_at
      SQL
    }
  }
}

resource "aws_athena_named_query" "this" {
  for_each = local.named_queries

  name        = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  description = each.value.description
  workgroup   = aws_athena_workgroup.this.id
  database    = aws_glue_catalog_database.this.name
  query       = each.value.query
}
