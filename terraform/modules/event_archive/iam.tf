# Two roles, each limited to one resource: SNS may put records into this stream only; Firehose may
# write into this bucket only, with this key only through S3.
resource "aws_iam_role" "subscription" {
  name        = "${local.stream_name}-sns"
  description = "SNS delivers ${var.topic_arn} into ${local.stream_name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
        ArnEquals    = { "aws:SourceArn" = var.topic_arn }
      }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "subscription" {
  name = "put-records"
  role = aws_iam_role.subscription.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "PutIntoArchiveStream"
      Effect   = "Allow"
      Action   = ["firehose:DescribeDeliveryStream", "firehose:ListTagsForDeliveryStream", "firehose:PutRecord", "firehose:PutRecordBatch"]
      Resource = local.stream_arn
    }]
  })
}

resource "aws_iam_role" "firehose" {
  name        = "${local.stream_name}-firehose"
  description = "${local.stream_name} writes to s3://${local.bucket_name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "firehose.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = var.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "firehose" {
  name = "deliver-to-s3"
  role = aws_iam_role.firehose.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteArchiveBucket"
        Effect   = "Allow"
        Action   = ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"]
        Resource = [local.bucket_arn, "${local.bucket_arn}/*"]
      },
      {
        Sid       = "EncryptObjectsThroughS3"
        Effect    = "Allow"
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = aws_kms_key.this.arn
        Condition = { StringEquals = { "kms:ViaService" = "s3.${var.region}.amazonaws.com" } }
      },
      {
        Sid      = "LogDeliveryErrors"
        Effect   = "Allow"
        Action   = "logs:PutLogEvents"
        Resource = "${local.log_group_arn}:log-stream:*"
      },
    ]
  })
}
