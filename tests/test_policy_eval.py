"""The policy evaluator itself: what a missing condition key, a Deny and an unknown operator do."""

from __future__ import annotations

import pytest

from policy_eval import Request, allows

TOPIC = "arn:aws:sns:eu-west-1:123456789012:t"
PINNED_BY_SOURCE_ARN = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ses.amazonaws.com"},
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": "*",
            "Condition": {
                "ArnEquals": {"aws:SourceArn": "arn:aws:ses:eu-west-1:123456789012:configuration-set/x"}
            },
        }
    ]
}


def test_a_condition_on_a_key_the_caller_does_not_send_denies() -> None:
    # The defect of issue 12, item 1: SNS's KMS call for SES carries the topic ARN, not aws:SourceArn.
    request = Request(
        "kms:GenerateDataKey",
        service="ses.amazonaws.com",
        context={"kms:EncryptionContext:aws:sns:topicArn": TOPIC},
    )
    assert not allows(PINNED_BY_SOURCE_ARN, request)
    with_source = Request(
        "kms:GenerateDataKey",
        service="ses.amazonaws.com",
        context={"aws:SourceArn": "arn:aws:ses:eu-west-1:123456789012:configuration-set/x"},
    )
    assert allows(PINNED_BY_SOURCE_ARN, with_source)


def test_other_principals_and_actions_do_not_match() -> None:
    context = {"aws:SourceArn": "arn:aws:ses:eu-west-1:123456789012:configuration-set/x"}
    assert not allows(
        PINNED_BY_SOURCE_ARN, Request("kms:GenerateDataKey", service="sns.amazonaws.com", context=context)
    )
    assert not allows(
        PINNED_BY_SOURCE_ARN, Request("kms:Encrypt", service="ses.amazonaws.com", context=context)
    )


def test_an_explicit_deny_wins() -> None:
    document = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": "q",
            },
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": ["sqs:SendMessage"],
                "Resource": "q",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ]
    }
    assert allows(
        document, Request("sqs:SendMessage", "q", "sns.amazonaws.com", context={"aws:SecureTransport": True})
    )
    assert not allows(
        document, Request("sqs:SendMessage", "q", "sns.amazonaws.com", context={"aws:SecureTransport": False})
    )


def test_an_unsupported_operator_raises_instead_of_guessing() -> None:
    document = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            }
        ]
    }
    with pytest.raises(NotImplementedError):
        allows(document, Request("s3:GetObject", context={"aws:SourceIp": "10.1.1.1"}))
