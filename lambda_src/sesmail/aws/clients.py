"""The one AWS client factory: region resolution, profiles, credentials, botocore config.

Region, first found wins: the ``--region`` argument, ``AWS_REGION``, ``AWS_DEFAULT_REGION``, then the
profile's ``region``. ``AWS_REGION`` comes first as in the AWS CLI v2 and the other SDKs; botocore on
its own reads only ``AWS_DEFAULT_REGION``, which is why an operator with ``AWS_REGION`` set used to be
told that no region was configured. An empty value counts as unset (``AWS_REGION=`` would otherwise
become an "Invalid endpoint" error at the first call).

Built on ``botocore.session`` rather than boto3: importing boto3 pulls in s3transfer, which a Lambda
cold start pays for and a client does not need (docs/performance.md). Every setup problem (no region,
unknown profile, no credentials) is an ``AwsSetupError`` with one line saying how to fix it.
"""

from __future__ import annotations

import os
from typing import Any, Final

from botocore.config import Config
from botocore.exceptions import NoCredentialsError, NoRegionError
from botocore.session import Session, get_session

from sesmail.aws.calls import AwsSetupError, client_config, setup_error_message, setup_errors_as_domain

REGION_VARIABLES: Final = ("AWS_REGION", "AWS_DEFAULT_REGION")


def resolve_region(region: str | None = None, session: Session | None = None) -> str:
    """The region a client will use (see the module docstring), else ``AwsSetupError``."""
    for candidate in (region, *(os.environ.get(name) for name in REGION_VARIABLES)):
        if candidate and candidate.strip():
            return candidate.strip()
    with setup_errors_as_domain():
        configured = (session or get_session()).get_config_variable("region")
    if not configured or not str(configured).strip():
        raise AwsSetupError(setup_error_message(NoRegionError()))
    return str(configured).strip()


def client(
    service: str,
    region: str | None = None,
    *,
    config: Config | None = None,
    require_credentials: bool = True,
) -> Any:
    """A botocore client for ``service``; ``config`` defaults to ``client_config()`` (retries owned by
    ``sesmail.aws.calls``).

    With ``require_credentials`` the credential chain is resolved here: a missing chain, an unknown
    profile or an expired SSO session fails now, as one ``AwsSetupError`` line, rather than at the
    first request, where a data-access layer may already have wrapped it as a service error."""
    session = get_session()
    name = resolve_region(region, session)
    with setup_errors_as_domain():
        if require_credentials:
            credentials = session.get_credentials()
            if credentials is None:
                raise NoCredentialsError()
            credentials.get_frozen_credentials()  # refreshes SSO / assume-role credentials now
        return session.create_client(service, region_name=name, config=config or client_config())
