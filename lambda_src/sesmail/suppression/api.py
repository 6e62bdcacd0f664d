"""Data access for the suppression audit: SESv2 suppression list, STS identity, S3 uploads.

Every SESv2 call goes through one shared ``RateLimiter`` (the management API budget is about one
request per second per account) and ``call_with_retries``; errors surface as ``AwsCallError`` /
``AwsSetupError`` from ``sesmail.aws.calls``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlparse

from sesmail.aws import clients as factory
from sesmail.aws.calls import (
    AwsCallError,
    RateLimiter,
    call_with_retries,
    paginate_pages,
)
from sesmail.suppression.domain import InvalidInputError, SuppressedEntry, SuppressionReason

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sts import STSClient

NOT_FOUND: Final = "NotFoundException"
MAX_PAGE_SIZE: Final = 1000
# CreateImportJob DELETE accepts at most this many addresses per job (SES quota; see SES_FACTS).
MAX_IMPORT_DELETES: Final = 10_000


@dataclass(frozen=True, slots=True)
class S3Location:
    bucket: str
    key: str

    @classmethod
    def parse(cls, uri: str, *, option: str) -> S3Location:
        parsed = urlparse(uri)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise InvalidInputError(f"{option} must look like s3://bucket/prefix, got {uri!r}")
        return cls(parsed.netloc, parsed.path.lstrip("/"))

    def child(self, name: str) -> S3Location:
        prefix = self.key.rstrip("/")
        return S3Location(self.bucket, f"{prefix}/{name}" if prefix else name)

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def _entry(item: Mapping[str, Any]) -> SuppressedEntry:
    attributes = item.get("Attributes") or {}
    return SuppressedEntry(
        address=str(item["EmailAddress"]),
        reason=SuppressionReason(str(item["Reason"])),
        listed_at=item["LastUpdateTime"],
        message_id=attributes.get("MessageId"),
        feedback_id=attributes.get("FeedbackId"),
    )


class SuppressionListApi:
    """The SESv2 account-level suppression list, paced and retried."""

    def __init__(self, sesv2: SESV2Client, limiter: RateLimiter, **retry: Any) -> None:
        self._sesv2 = sesv2
        self._limiter = limiter
        self._retry = retry

    def list_pages(
        self,
        *,
        reasons: Sequence[SuppressionReason] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[list[SuppressedEntry]]:
        """Yield the list one page at a time (the next page is fetched only when asked for)."""
        params: dict[str, Any] = {"PageSize": page_size}
        if reasons:
            params["Reasons"] = [reason.value for reason in reasons]
        if since is not None:
            params["StartDate"] = since
        if until is not None:
            params["EndDate"] = until
        for page in paginate_pages(
            self._sesv2.list_suppressed_destinations, limiter=self._limiter, **self._retry, **params
        ):
            yield [_entry(item) for item in page.get("SuppressedDestinationSummaries", ())]

    def get(self, address: str) -> SuppressedEntry | None:
        """The entry for ``address``, or None when it is not on the list."""
        try:
            response = call_with_retries(
                self._sesv2.get_suppressed_destination,
                limiter=self._limiter,
                **self._retry,
                EmailAddress=address,
            )
        except AwsCallError as error:
            if error.code == NOT_FOUND:
                return None
            raise
        return _entry(response["SuppressedDestination"])

    def put(self, address: str, reason: SuppressionReason) -> None:
        """Add ``address`` (or set its reason): PutSuppressedDestination is an upsert."""
        call_with_retries(
            self._sesv2.put_suppressed_destination,
            limiter=self._limiter,
            **self._retry,
            EmailAddress=address,
            Reason=reason.value,
        )

    def delete(self, address: str) -> bool:
        """Remove ``address``; False when it was already gone (someone else removed it meanwhile)."""
        try:
            call_with_retries(
                self._sesv2.delete_suppressed_destination,
                limiter=self._limiter,
                **self._retry,
                EmailAddress=address,
            )
        except AwsCallError as error:
            if error.code == NOT_FOUND:
                return False
            raise
        return True

    def start_bulk_delete(self, source: S3Location) -> str:
        """CreateImportJob DELETE from a CSV already uploaded to ``source``; returns the job id."""
        response = call_with_retries(
            self._sesv2.create_import_job,
            limiter=self._limiter,
            **self._retry,
            ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "DELETE"}},
            ImportDataSource={"S3Url": str(source), "DataFormat": "CSV"},
        )
        return str(response["JobId"])


def put_object(s3: S3Client, location: S3Location, body: bytes, content_type: str, **retry: Any) -> None:
    call_with_retries(
        s3.put_object, **retry, Bucket=location.bucket, Key=location.key, Body=body, ContentType=content_type
    )


@dataclass(frozen=True, slots=True)
class AwsClients:
    sesv2: SESV2Client
    sts: STSClient
    s3: S3Client


def aws_clients(region: str | None) -> AwsClients:
    """Clients with botocore retries off (``call_with_retries`` owns them); no region -> AwsSetupError."""
    return AwsClients(
        sesv2=factory.client("sesv2", region),
        sts=factory.client("sts", region),
        s3=factory.client("s3", region),
    )
