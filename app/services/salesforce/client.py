"""A small Salesforce REST client: OAuth2 token, SOQL queries page by page, one refresh on an expired session.

- Sign-in is OAuth2 through authlib's requests session against Salesforce's token endpoint
  (``/services/oauth2/token``), with the client-credentials flow or the refresh-token flow. The token answer
  names the ``instance_url`` to call, which wins over the configured one (My Domain moves).
- :meth:`Client.query` runs SOQL through ``queryAll`` (which also returns records in the recycle bin, with
  ``IsDeleted = true``: that is how the sync learns of deletions) and follows ``nextRecordsUrl`` until
  ``done``, yielding one page of records at a time.
- A 401 ``INVALID_SESSION_ID`` (the access token expired or was revoked) refreshes the token once and retries
  the same request; a second 401 raises :class:`AuthError`, which fails the sync with that message.

Numbers are read as exact ``Decimal`` (``parse_float``), never as binary floats.
"""

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urljoin

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.integrations.requests_client import OAuthError

from app.services.salesforce.connection import REFRESH_TOKEN
from app.services.salesforce.connection import Settings

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 60


class SalesforceError(Exception):
    """Salesforce answered with an error, or could not be reached."""


class AuthError(SalesforceError):
    """Salesforce refused the credentials or the refreshed token."""


@dataclass(frozen=True)
class Page:
    """One page of a query answer."""

    records: list[dict]
    total_size: int
    done: bool


def _errors(response: requests.Response) -> str:
    """Return Salesforce's error codes and messages of ``response`` as one line."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason
    items = body if isinstance(body, list) else [body]
    parts = [f"{item.get('errorCode') or item.get('error')}: {item.get('message') or item.get('error_description')}"
             for item in items if isinstance(item, dict)]
    return "; ".join(parts) or response.text[:300]


class Client:
    """Calls the REST API of one Salesforce org as the configured connected app."""

    def __init__(self, settings: Settings, timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self.timeout = timeout
        self.instance_url = settings.instance_url.rstrip("/")
        self.refreshes = 0
        self.requests = 0
        self._oauth = OAuth2Session(settings.client_id, settings.client_secret,
                                    token_endpoint_auth_method="client_secret_post")
        self._signed_in = False

    def sign_in(self) -> None:
        """Get an access token with the configured flow; AuthError when Salesforce refuses."""
        try:
            if self.settings.auth_flow == REFRESH_TOKEN:
                token = self._oauth.refresh_token(self.settings.token_url, refresh_token=self.settings.refresh_token,
                                                  timeout=self.timeout)
            else:
                token = self._oauth.fetch_token(self.settings.token_url, grant_type="client_credentials",
                                                timeout=self.timeout)
        except OAuthError as exc:
            raise AuthError(f"Salesforce refused the sign-in: {exc.error}: {exc.description}") from exc
        except requests.RequestException as exc:
            raise SalesforceError(f"cannot reach the Salesforce token endpoint: {exc}") from exc
        if token.get("instance_url"):
            self.instance_url = token["instance_url"].rstrip("/")
        self._signed_in = True

    def _refresh(self) -> None:
        self.refreshes += 1
        logger.info("Salesforce session expired: signing in again")
        self.sign_in()

    def get(self, path: str, params: dict | None = None) -> dict:
        """GET ``path`` (relative to the instance) as JSON; refresh the token once on INVALID_SESSION_ID."""
        if not self._signed_in:
            self.sign_in()
        response = self._send(path, params)
        if response.status_code == 401:
            self._refresh()
            response = self._send(path, params)
            if response.status_code == 401:
                raise AuthError(f"Salesforce refused the refreshed token: {_errors(response)}")
        if response.status_code >= 400:
            raise SalesforceError(f"Salesforce answered {response.status_code} to {path.split('?')[0]}: "
                                  f"{_errors(response)}")
        return json.loads(response.text, parse_float=Decimal)

    def _send(self, path: str, params: dict | None) -> requests.Response:
        self.requests += 1
        try:
            return self._oauth.get(urljoin(self.instance_url + "/", path.lstrip("/")), params=params,
                                   timeout=self.timeout, headers={"Accept": "application/json"})
        except requests.RequestException as exc:
            raise SalesforceError(f"cannot reach Salesforce at {self.instance_url}: {exc}") from exc

    def query(self, soql: str, include_deleted: bool = True) -> Iterator[Page]:
        """Run ``soql`` and yield its pages, following ``nextRecordsUrl`` until Salesforce says ``done``."""
        endpoint = "queryAll" if include_deleted else "query"
        answer = self.get(f"/services/data/{self.settings.api_version}/{endpoint}", {"q": soql})
        while True:
            yield Page(answer.get("records", []), int(answer.get("totalSize", 0)), bool(answer.get("done", True)))
            next_url = answer.get("nextRecordsUrl")
            if answer.get("done", True) or not next_url:
                return
            answer = self.get(next_url)
