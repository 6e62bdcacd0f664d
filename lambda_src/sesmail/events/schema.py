"""The event table's key schema: the single source of truth shared by the code and Terraform.

``terraform/modules/event_pipeline`` declares the same names; ``tests/`` compares the module's plan
with these constants, so a change on one side without the other fails the build.

Item layout (one item per message x recipient x event type x event time x feedback id):

    pk        "MSG#<ses message id>"                                   table partition key
    sk        "EVT#<event time ISO-8601 UTC>#<event type>#<recipient>#<feedback id or ->"
    recipient normalised recipient address (lower-cased)                 index partition key
    event_at  event time, ISO-8601 UTC with milliseconds ("...Z")        index sort key
    expires_at epoch seconds; DynamoDB TTL deletes the item after retention

The sort key starts with the event time so a message's events read back in time order, and it is
deterministic so a redelivered SES event overwrites its own item instead of adding a duplicate.
"""

from __future__ import annotations

from typing import Final

TABLE_PARTITION_KEY: Final = "pk"
TABLE_SORT_KEY: Final = "sk"
MESSAGE_KEY_PREFIX: Final = "MSG#"
EVENT_KEY_PREFIX: Final = "EVT#"

RECIPIENT_INDEX_NAME: Final = "recipient-index"
RECIPIENT_INDEX_PARTITION_KEY: Final = "recipient"
RECIPIENT_INDEX_SORT_KEY: Final = "event_at"

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
}


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
