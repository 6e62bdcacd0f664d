"""Handler settings: each Lambda's environment parsed once into its own typed object, failing fast.

One loader per handler, so a handler reads (and can fail on) only the variables it uses; the shared base
is :class:`SettingsError` and the events table name, which both handlers need.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from sesmail.operations.pause import AlarmSetsError, parse_alarm_sets

DEFAULT_RETENTION_DAYS: Final = 90
MAX_RETENTION_DAYS: Final = 3650
_BOOLEANS: Final = {"true": True, "false": False}
_REGION: Final = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]$")


class SettingsError(ValueError):
    """The environment is misconfigured; the message names the variable and what is expected."""


def events_table_name(env: Mapping[str, str]) -> str:
    table = env.get("EVENTS_TABLE_NAME", "").strip()
    if not table:
        raise SettingsError("EVENTS_TABLE_NAME is not set: it must name the DynamoDB events table")
    return table


CONSOLE_AUTH_JWT: Final = "jwt"
CONSOLE_AUTH_LOCAL: Final = "local-no-login"
# The page's OpenID Connect client: where to send the browser to log in, and which token to present.
_CONSOLE_OIDC_VARIABLES: Final = (
    "CONSOLE_OIDC_AUTHORIZE_URL",
    "CONSOLE_OIDC_TOKEN_URL",
    "CONSOLE_OIDC_CLIENT_ID",
)
TOKEN_USES: Final = ("access_token", "id_token")


@dataclass(frozen=True, slots=True)
class ConsoleLogin:
    """The browser side of the JWT authorizer: an OIDC authorization-code + PKCE client (public)."""

    authorize_url: str
    token_url: str
    client_id: str
    scopes: str = "openid email"
    token_use: str = "access_token"  # noqa: S105 - a token kind, not a secret; Google needs "id_token"


@dataclass(frozen=True, slots=True)
class StatusApiSettings:
    """The read API's environment: the table it queries and, when the support console is on, how the
    console's users log in (``login`` is None in the local, no-login mode)."""

    events_table_name: str
    console_enabled: bool = False
    console_auth: str = CONSOLE_AUTH_JWT
    login: ConsoleLogin | None = None

    @property
    def console_local(self) -> bool:
        return self.console_enabled and self.console_auth == CONSOLE_AUTH_LOCAL


def load_status_api_settings(environ: Mapping[str, str] | None = None) -> StatusApiSettings:
    """Read ``EVENTS_TABLE_NAME`` and, with ``CONSOLE_ENABLED=true``, ``CONSOLE_AUTH`` (``jwt``, the
    default, or ``local-no-login``) and the ``CONSOLE_OIDC_*`` login settings. Raises
    :class:`SettingsError` on the first bad value.

    ``local-no-login`` is refused whenever ``AWS_LAMBDA_FUNCTION_NAME`` is set: inside Lambda the console
    can only run behind the JWT authorizer, whatever the function's environment says."""
    env = os.environ if environ is None else environ
    table = events_table_name(env)
    enabled = _boolean(env, "CONSOLE_ENABLED")
    if not enabled:
        return StatusApiSettings(table)
    auth = env.get("CONSOLE_AUTH", "").strip() or CONSOLE_AUTH_JWT
    if auth not in {CONSOLE_AUTH_JWT, CONSOLE_AUTH_LOCAL}:
        raise SettingsError(
            f'CONSOLE_AUTH must be "{CONSOLE_AUTH_JWT}" or "{CONSOLE_AUTH_LOCAL}", got {auth!r}'
        )
    if auth == CONSOLE_AUTH_LOCAL:
        if env.get("AWS_LAMBDA_FUNCTION_NAME"):
            raise SettingsError(
                f"CONSOLE_AUTH={CONSOLE_AUTH_LOCAL} is refused inside AWS Lambda: the console needs its JWT "
                "authorizer there"
            )
        return StatusApiSettings(table, console_enabled=True, console_auth=auth)
    missing = [name for name in _CONSOLE_OIDC_VARIABLES if not env.get(name, "").strip()]
    if missing:
        raise SettingsError(f"CONSOLE_ENABLED=true needs {', '.join(missing)} (the console's OIDC login)")
    for name in _CONSOLE_OIDC_VARIABLES[:2]:
        if not env[name].strip().startswith("https://"):
            raise SettingsError(f"{name} must be an https:// URL, got {env[name]!r}")
    token_use = env.get("CONSOLE_OIDC_TOKEN_USE", "").strip() or TOKEN_USES[0]
    if token_use not in TOKEN_USES:
        raise SettingsError(
            f"CONSOLE_OIDC_TOKEN_USE must be one of {', '.join(TOKEN_USES)}, got {token_use!r}"
        )
    login = ConsoleLogin(
        authorize_url=env["CONSOLE_OIDC_AUTHORIZE_URL"].strip(),
        token_url=env["CONSOLE_OIDC_TOKEN_URL"].strip(),
        client_id=env["CONSOLE_OIDC_CLIENT_ID"].strip(),
        scopes=env.get("CONSOLE_OIDC_SCOPES", "").strip() or "openid email",
        token_use=token_use,
    )
    return StatusApiSettings(table, console_enabled=True, console_auth=auth, login=login)


def _boolean(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower() or "false"
    if raw not in _BOOLEANS:
        raise SettingsError(f'{name} must be "true" or "false", got {raw!r}')
    return _BOOLEANS[raw]


@dataclass(frozen=True, slots=True)
class PersisterSettings:
    events_table_name: str
    retention_days: int = DEFAULT_RETENTION_DAYS
    store_subject: bool = False

    @property
    def retention_seconds(self) -> int:
        return self.retention_days * 86_400


def load_settings(environ: Mapping[str, str] | None = None) -> PersisterSettings:
    """The persister's settings: ``EVENTS_TABLE_NAME``, ``EVENT_RETENTION_DAYS`` (1..3650, default 90) and
    ``STORE_SUBJECT`` ("true"/"false", default false). Raises :class:`SettingsError` on the first bad
    value."""
    env = os.environ if environ is None else environ
    table = events_table_name(env)

    raw_days = env.get("EVENT_RETENTION_DAYS", "").strip() or str(DEFAULT_RETENTION_DAYS)
    try:
        days = int(raw_days)
    except ValueError:
        raise SettingsError(
            f"EVENT_RETENTION_DAYS must be a whole number of days, got {raw_days!r}"
        ) from None
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise SettingsError(f"EVENT_RETENTION_DAYS must be between 1 and {MAX_RETENTION_DAYS}, got {days}")

    return PersisterSettings(
        events_table_name=table, retention_days=days, store_subject=_boolean(env, "STORE_SUBJECT")
    )


@dataclass(frozen=True, slots=True)
class QuotaMetricSettings:
    """The quota publisher's environment: where the metric goes and which regions' quotas it reads."""

    namespace: str
    regions: tuple[str, ...]


def load_quota_metric_settings(environ: Mapping[str, str] | None = None) -> QuotaMetricSettings:
    """Read ``SEND_QUOTA_METRIC_NAMESPACE`` and ``SEND_QUOTA_REGIONS`` (comma-separated; default
    ``AWS_REGION``, which the Lambda runtime sets). Each region's quota is its own."""
    env = os.environ if environ is None else environ
    namespace = env.get("SEND_QUOTA_METRIC_NAMESPACE", "").strip()
    if not namespace or namespace.startswith("AWS/"):
        raise SettingsError(
            "SEND_QUOTA_METRIC_NAMESPACE must name a custom CloudWatch namespace (not AWS/...), "
            f"got {namespace!r}"
        )
    raw = env.get("SEND_QUOTA_REGIONS", "").strip() or env.get("AWS_REGION", "").strip()
    regions = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not regions:
        raise SettingsError(
            "SEND_QUOTA_REGIONS (or AWS_REGION) must name the regions whose quota is published"
        )
    bad = [region for region in regions if not _REGION.match(region)]
    if bad:
        raise SettingsError(f"SEND_QUOTA_REGIONS holds names that are not regions: {bad!r}")
    return QuotaMetricSettings(namespace=namespace, regions=regions)


@dataclass(frozen=True, slots=True)
class AutoPauseSettings:
    """Which configuration sets each watched alarm pauses."""

    alarm_sets: Mapping[str, tuple[str, ...]]


def load_auto_pause_settings(environ: Mapping[str, str] | None = None) -> AutoPauseSettings:
    """Read ``AUTO_PAUSE_ALARMS``: JSON ``{"alarm name": ["configuration set", ...]}``."""
    env = os.environ if environ is None else environ
    try:
        return AutoPauseSettings(alarm_sets=parse_alarm_sets(env.get("AUTO_PAUSE_ALARMS", "")))
    except AlarmSetsError as error:
        raise SettingsError(f"AUTO_PAUSE_ALARMS {error}") from None
