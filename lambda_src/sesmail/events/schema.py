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
)

# Every key attribute is a string.
KEY_ATTRIBUTE_TYPES: Final = {
    TABLE_PARTITION_KEY: "S",
    TABLE_SORT_KEY: "S",
    RECIPIENT_INDEX_PARTITION_KEY: "S",
    RECIPIENT_INDEX_SORT_KEY: "S",
}
