# SES events archived as they are published: a second subscription of the event topic feeds
# Kinesis Data Firehose, which writes gzip'd JSON lines to S3 under events/yyyy/MM/dd/. The persister
# and its table are untouched; the archive has its own key, bucket, roles and query workgroup.
locals {
  partition     = "aws"
  bucket_name   = "${var.name_prefix}-ses-event-archive-${var.account_id}"
  bucket_arn    = "arn:${local.partition}:s3:::${local.bucket_name}"
  stream_name   = "${var.name_prefix}-ses-event-archive"
  stream_arn    = "arn:${local.partition}:firehose:${var.region}:${var.account_id}:deliverystream/${local.stream_name}"
  log_group     = "/aws/kinesisfirehose/${local.stream_name}"
  log_group_arn = "arn:${local.partition}:logs:${var.region}:${var.account_id}:log-group:${local.log_group}"
  events_prefix = "events/"
  results_path  = "athena-results/"
}

resource "aws_sns_topic_subscription" "archive" {
  topic_arn             = var.topic_arn
  protocol              = "firehose"
  endpoint              = aws_kinesis_firehose_delivery_stream.this.arn
  subscription_role_arn = aws_iam_role.subscription.arn
  # The record is the SES JSON itself, as on the queue (docs/decisions/0020-raw-sns-delivery.md).
  raw_message_delivery = true
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = var.tags
}

resource "aws_cloudwatch_log_stream" "delivery" {
  name           = "S3Delivery"
  log_group_name = aws_cloudwatch_log_group.this.name
}

resource "aws_kinesis_firehose_delivery_stream" "this" {
  name        = local.stream_name
  destination = "extended_s3"

  server_side_encryption {
    enabled  = true
    key_type = "CUSTOMER_MANAGED_CMK"
    key_arn  = aws_kms_key.this.arn
  }

  extended_s3_configuration {
    role_arn   = aws_iam_role.firehose.arn
    bucket_arn = aws_s3_bucket.this.arn
    # Arrival day in UTC: the partition Athena projects (athena.tf); events of one day stay together.
    prefix              = "${local.events_prefix}!{timestamp:yyyy/MM/dd}/"
    error_output_prefix = "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
    buffering_interval  = var.buffering_interval_seconds
    buffering_size      = var.buffering_size_mb
    compression_format  = "GZIP"
    kms_key_arn         = aws_kms_key.this.arn

    # Firehose concatenates records as they come; one event per line is what the JSON SerDe reads.
    processing_configuration {
      enabled = true
      processors {
        type = "AppendDelimiterToRecord"
      }
    }

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = aws_cloudwatch_log_group.this.name
      log_stream_name = aws_cloudwatch_log_stream.delivery.name
    }
  }

  tags = var.tags
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logs would need a second bucket per archive; CloudTrail data events are the audit trail of choice for this data.
  #checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery choice for the root module, not a default of the archive.
  #checkov:skip=CKV2_AWS_62:Nothing consumes object-created events; Athena reads by partition projection.
  bucket = local.bucket_name
  tags   = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    # One KMS call per bucket key period instead of one per object (Firehose writes many objects).
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "events-to-cheaper-storage"
    status = "Enabled"
    filter {
      prefix = local.events_prefix
    }
    transition {
      days          = var.infrequent_access_after_days
      storage_class = "STANDARD_IA"
    }
    # Glacier Instant Retrieval: millisecond reads, so Athena still queries every month.
    transition {
      days          = var.glacier_after_days
      storage_class = "GLACIER_IR"
    }
    dynamic "expiration" {
      for_each = var.archive_retention_days == null ? [] : [var.archive_retention_days]
      content {
        days = expiration.value
      }
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }

  # Firehose writes multipart uploads; one bucket-wide rule cleans up any it abandons.
  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Query results are a cache of what the archive already holds; failed records are for debugging.
  rule {
    id     = "expire-athena-results"
    status = "Enabled"
    filter {
      prefix = local.results_path
    }
    expiration {
      days = 30
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  rule {
    id     = "expire-errors"
    status = "Enabled"
    filter {
      prefix = "errors/"
    }
    expiration {
      days = 90
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  lifecycle {
    precondition {
      condition     = var.glacier_after_days >= var.infrequent_access_after_days + 30
      error_message = "glacier_after_days must be at least 30 days after infrequent_access_after_days (S3 Standard-IA minimum stay)."
    }
    precondition {
      condition     = var.archive_retention_days == null || try(var.archive_retention_days > var.glacier_after_days, false)
      error_message = "archive_retention_days must be later than glacier_after_days."
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "s3:*"
      Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
  depends_on = [aws_s3_bucket_public_access_block.this]
}
