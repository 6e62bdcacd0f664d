"""``daily_cap(domain, env)``: the warm-up cap a sending service enforces, read from SSM and cached.

The gate (``scripts/warmup.py gate --apply``) publishes ``/ses/<env>/warmup/<domain>/daily_cap``; a
sender calls ``daily_cap`` before each batch and stops (or defers) once its own 24-hour count reaches
the cap. Reads are cached in-process for ``ttl_seconds`` (default 300): the cap changes at most a few
times a day, and SSM's standard throughput (~40 GetParameter/s per account) must not be spent per mail.

* No parameter -> ``None``: no ramp is running for the domain (the sender applies no warm-up cap).
* SSM unreachable -> the last value read is returned even if expired (a stale cap is far safer than
  no cap); with nothing cached, ``WarmupCapUnavailableError`` is raised and the sender decides (fail closed
  is the safe choice during a ramp).
* A malformed value raises ``WarmupInputError``: it is never silently treated as "no cap".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sesmail.aws.calls import AwsCallError, AwsSetupError
from sesmail.warmup import aws as warmup_aws
from sesmail.warmup.schedule import validate_domain, validate_env

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

logger = logging.getLogger(__name__)


class WarmupCapUnavailableError(RuntimeError):
    """SSM could not be read and no earlier value is cached."""


@dataclass
class _Entry:
    cap: int | None
    expires_at: float


_cache: dict[tuple[str, str], _Entry] = {}
_lock = threading.Lock()
_ssm: SSMClient | None = None


def daily_cap(
    domain: str,
    env: str,
    *,
    ssm_client: SSMClient | None = None,
    ttl_seconds: float = 300,
    clock: Callable[[], float] = time.monotonic,
) -> int | None:
    """The published daily cap for ``domain`` in ``env``, or None when no ramp is published."""
    key = (validate_env(env), validate_domain(domain))
    now = clock()
    with _lock:
        entry = _cache.get(key)
        if entry is not None and now < entry.expires_at:
            return entry.cap
    try:
        record = warmup_aws.read_cap(ssm_client or _default_ssm(), env, domain)
    except (AwsCallError, AwsSetupError) as error:
        if entry is None:
            raise WarmupCapUnavailableError(f"daily cap for {domain} ({env}) unavailable: {error}") from None
        logger.warning("serving stale warm-up cap for %s (%s): %s", domain, env, error)
        return entry.cap
    cap = record.daily_cap if record else None
    with _lock:
        _cache[key] = _Entry(cap=cap, expires_at=now + ttl_seconds)
    return cap


def clear_cache() -> None:
    """Forget every cached cap (tests; a sender that must see a new cap immediately)."""
    with _lock:
        _cache.clear()


def _default_ssm() -> SSMClient:
    global _ssm  # noqa: PLW0603 - one client per process, created on first use
    if _ssm is None:
        _ssm = warmup_aws.client("ssm")
    return _ssm
