# Event table. Key names, index and TTL come from lambda_src/sesmail/events/schema.py (the single
# source of truth); tests/test_table_schema.py compares this module's plan with those constants.
locals {
  table_partition_key          = "pk"
  table_sort_key               = "sk"
  recipient_index_name         = "recipient-index"
  recipient_index_partition    = "recipient"
  recipient_index_sort         = "event_at"
  recipient_index_non_key_attr = ["message_id", "event_type", "bounce_type", "bounce_subtype", "diagnostic_code", "status_code", "complaint_feedback_type", "delay_type", "reject_reason", "configuration_set", "origin"]
  ref_index_name               = "ref-index"
  ref_index_partition          = "ref"
  ttl_attribute                = "expires_at"
}

resource "aws_dynamodb_table" "this" {
  name                        = local.table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = local.table_partition_key
  range_key                   = local.table_sort_key
  deletion_protection_enabled = var.deletion_protection_enabled

  dynamic "attribute" {
    for_each = [local.table_partition_key, local.table_sort_key, local.recipient_index_partition, local.recipient_index_sort, local.ref_index_partition]
    content {
      name = attribute.value
      type = "S"
    }
  }

  # Recipient history: INCLUDE only what support reads, so each index write stays small.
  global_secondary_index {
    name               = local.recipient_index_name
    hash_key           = local.recipient_index_partition
    range_key          = local.recipient_index_sort
    projection_type    = "INCLUDE"
    non_key_attributes = local.recipient_index_non_key_attr
  }

  # Lookup by the sender's `ref` message tag (decision 0074): sparse, keys only (the message id is in pk).
  global_secondary_index {
    name            = local.ref_index_name
    hash_key        = local.ref_index_partition
    range_key       = local.recipient_index_sort
    projection_type = "KEYS_ONLY"
  }

  ttl {
    attribute_name = local.ttl_attribute
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }

  tags = var.tags
}
