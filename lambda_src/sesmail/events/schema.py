"""The event table's key schema: the single source of truth shared by the code and Terraform.

``terraform/modules/event_pipeline`` declares the same names; ``tests/`` compares the module's plan
with these constants, so a change on one side without the other fails the build.

Item layout (one item per message x recipient x event type x event time x feedback id):

    pk        "MSG#<ses message id>"                                   table partition key
    sk        "EVT#<event time ISO-8601 UTC>#<event type>#<recipient>#<feedback id or ->"
    recipient normalised recipient address (lower-cased)                 index partition key
    event_at  event time, ISO-8601 UTC with milliseconds ("...Z")        index sort key
    expires_at epoch seconds; DynamoDB TTL deletes the item after retention
    ref       the sender's ``ref`` message tag, when the mail had one        ref index partition key

Outbox trail items (``sesmail.sending.outbox``: a mail no SES region accepted yet, findable by its
reference before SES gave it a message id) share the table under their own partition prefix:

    pk        "REF#<ref>"
    sk        "OUTBOX#<time ISO-8601 UTC, ms>#<outbox id>#<attempts so far>#<state>"
    expires_at the time + OUTBOX_TRAIL_RETENTION_SECONDS

The sort key starts with the event time so a message's events read back in time order, and it is
deterministic so a redelivered SES event overwrites its own item instead of adding a duplicate.
"""

from __future__ import annotations

from typing import Any, Final

TABLE_PARTITION_KEY: Final = "pk"
TABLE_SORT_KEY: Final = "sk"
MESSAGE_KEY_PREFIX: Final = "MSG#"
EVENT_KEY_PREFIX: Final = "EVT#"

RECIPIENT_INDEX_NAME: Final = "recipient-index"
RECIPIENT_INDEX_PARTITION_KEY: Final = "recipient"
RECIPIENT_INDEX_SORT_KEY: Final = "event_at"

# Lookup by the sender's own reference (the ``ref`` message tag of sesmail.sending.failover): sparse
# (only items with a ``ref``), keys only: it answers "which message ids carry this ref", and the
# message's own partition has the rest. docs/decisions/0074-lookup-by-reference.md.
REF_INDEX_NAME: Final = "ref-index"
REF_INDEX_PARTITION_KEY: Final = "ref"
REF_INDEX_SORT_KEY: Final = "event_at"
REF_INDEX_PROJECTION_TYPE: Final = "KEYS_ONLY"
REF_TAG: Final = "ref"

REF_KEY_PREFIX: Final = "REF#"
OUTBOX_KEY_PREFIX: Final = "OUTBOX#"
# The outbox queue keeps a message 14 days; a day more so the trail outlives what it describes.
OUTBOX_TRAIL_RETENTION_SECONDS: Final = 15 * 24 * 3600

TTL_ATTRIBUTE: Final = "expires_at"

# The index projects only what recipient history and suppression evidence read, keeping each index
# write small (an index write costs a write unit per KB projected, on top of the table write).
RECIPIENT_INDEX_PROJECTION_TYPE: Final = "INCLUDE"
RECIPIENT_INDEX_NON_KEY_ATTRIBUTES: Final = (
    "message_id",
    "event_type",
    "bounce_type",
    "bounce_subtype",
    "diagnostic_code",
    "status_code",
    "complaint_feedback_type",
    "delay_type",
    "reject_reason",
    "configuration_set",
    "origin",  # event publishing or identity notification: not derivable from the keys
)

# DynamoDB's key size limits (UTF-8 bytes); a GSI key attribute has the same limits as a table key.
MAX_PARTITION_KEY_BYTES: Final = 2048
MAX_SORT_KEY_BYTES: Final = 1024

# Every key attribute is a string.
KEY_ATTRIBUTE_TYPES: Final = {
    TABLE_PARTITION_KEY: "S",
    TABLE_SORT_KEY: "S",
    RECIPIENT_INDEX_PARTITION_KEY: "S",
    RECIPIENT_INDEX_SORT_KEY: "S",
    REF_INDEX_PARTITION_KEY: "S",
}


def global_secondary_indexes() -> list[dict[str, Any]]:
    """Both indexes in the CreateTable shape (the local emulation and the tests build the table from it)."""
    return [
        {
            "IndexName": RECIPIENT_INDEX_NAME,
            "KeySchema": [
                {"AttributeName": RECIPIENT_INDEX_PARTITION_KEY, "KeyType": "HASH"},
                {"AttributeName": RECIPIENT_INDEX_SORT_KEY, "KeyType": "RANGE"},
            ],
            "Projection": {
                "ProjectionType": RECIPIENT_INDEX_PROJECTION_TYPE,
                "NonKeyAttributes": list(RECIPIENT_INDEX_NON_KEY_ATTRIBUTES),
            },
        },
        {
            "IndexName": REF_INDEX_NAME,
            "KeySchema": [
                {"AttributeName": REF_INDEX_PARTITION_KEY, "KeyType": "HASH"},
                {"AttributeName": REF_INDEX_SORT_KEY, "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": REF_INDEX_PROJECTION_TYPE},
        },
    ]


def outbox_trail_keys(ref: str, at: str, outbox_id: str, attempts: int, state: str) -> tuple[str, str]:
    """(pk, sk) of one outbox trail item; the sort key orders a reference's trail by time, and two steps
    in the same millisecond differ by their attempt count or state instead of overwriting each other."""
    return f"{REF_KEY_PREFIX}{ref}", f"{OUTBOX_KEY_PREFIX}{at}#{outbox_id}#{attempts:06d}#{state}"


def event_keys(
    message_id: str, event_at: str, event_type: str, recipient: str, feedback_id: str
) -> tuple[str, str]:
    """(pk, sk) of an event's item; equal for the same SES event however often it is delivered."""
    return (
        f"{MESSAGE_KEY_PREFIX}{message_id}",
        f"{EVENT_KEY_PREFIX}{event_at}#{event_type}#{recipient}#{feedback_id}",
    )


def key_problem(pk: str, sk: str, recipient: str) -> str | None:
    """Why these keys would make DynamoDB reject the whole write request, or None when they are fine.

    Checked at parse time so a bad record fails alone instead of taking a BatchWriteItem chunk (and
    with it unrelated records) down: a string that is not valid UTF-8 (unpaired surrogates) cannot
    even be serialised, and an over-long key is a ValidationException for the entire request.
    """
    if pk.isascii() and sk.isascii():  # the usual case: one byte per character, nothing to encode
        sizes = (len(pk), len(sk), len(recipient))
    else:
        try:
            sizes = (len(pk.encode()), len(sk.encode()), len(recipient.encode()))
        except UnicodeEncodeError:
            return "a key value is not valid UTF-8 (unpaired surrogate)"
    if sizes[0] > MAX_PARTITION_KEY_BYTES or sizes[2] > MAX_PARTITION_KEY_BYTES:
        return f"a partition key is too long (limit {MAX_PARTITION_KEY_BYTES} bytes)"
    if sizes[1] > MAX_SORT_KEY_BYTES:
        return f"the sort key is too long (limit {MAX_SORT_KEY_BYTES} bytes)"
    return None
