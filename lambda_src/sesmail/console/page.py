"""The console's page and assets: files shipped inside the package (``static/``), read once per process.

The page carries no data: it is the same for every visitor, so it is served without the JWT authorizer
and fetches everything from the JSON API with the user's token. Its configuration (the OIDC client,
or the local no-login mode) travels in a ``<meta>`` tag because the Content-Security-Policy allows no
inline script at all.
"""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from sesmail.handlers.settings import StatusApiSettings

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
ASSETS: Final = {
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
LOCAL_BANNER: Final = (
    '<p class="banner" id="mode">LOCAL MODE, NO LOGIN: demo data on this machine only. '
    "This mode cannot be enabled in AWS.</p>"
)
SECURITY_HEADERS: Final = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


@cache
def _read(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def asset(name: str) -> tuple[str, str] | None:
    """(body, content type) of a shipped asset, or None for any other name (no path is ever joined)."""
    content_type = ASSETS.get(name)
    return None if content_type is None else (_read(name), content_type)


def content_security_policy(settings: StatusApiSettings) -> str:
    """Scripts and styles from this API only; fetches to it and, when logging in, to the IdP's token
    endpoint; no frames, no plugins, no base tag, forms post nowhere."""
    connect = ["'self'"]
    if settings.login is not None:
        token = urlsplit(settings.login.token_url)
        connect.append(f"{token.scheme}://{token.netloc}")
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            f"connect-src {' '.join(connect)}",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


def page_config(settings: StatusApiSettings) -> dict[str, object]:
    login = settings.login
    return {
        "local": settings.console_local,
        "login": None
        if login is None
        else {
            "authorize_url": login.authorize_url,
            "token_url": login.token_url,
            "client_id": login.client_id,
            "scopes": login.scopes,
            "token_use": login.token_use,
        },
    }


def render_page(settings: StatusApiSettings) -> str:
    return (
        _read("console.html")
        .replace("{{CONFIG}}", html.escape(json.dumps(page_config(settings), sort_keys=True), quote=True))
        .replace("{{BANNER}}", LOCAL_BANNER if settings.console_local else "")
    )
