"""Fixtures of the settings pages: the calculation test plans (reused), and a finance user posting a setting."""

import pytest

from tests.app.services.test_calculation import planned  # noqa: F401 - the fixture, reused


class Finance:
    """A signed-in finance user who changes settings through the page."""

    def __init__(self, client, auth, username: str = "finance"):
        auth.login(username)
        self.client = client
        self.token = auth.csrf("/settings/")

    def set(self, key: str, valid_from: str, value: str, **kwargs):
        data = {f"{key}-csrf_token": self.token, f"{key}-valid_from": valid_from, f"{key}-value": value}
        return self.client.post(f"/settings/{key}", data=data, **kwargs)

    def post(self, url: str, headers: dict | None = None, **data):
        return self.client.post(url, data={"csrf_token": self.token, **data}, headers=headers)


@pytest.fixture
def finance(client, auth, network) -> Finance:
    return Finance(client, auth)
