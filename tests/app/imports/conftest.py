"""Fixtures of the imports pages: a folder for kept files and helpers to upload through HTTP and wait for a run."""

import io
import time

import pytest

from app.services.imports import progress


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    app.config["IMPORT_FOLDER"] = str(tmp_path / "kept")
    return tmp_path


class Uploads:
    """Upload files and follow a batch through the pages, as a browser would."""

    def __init__(self, client, auth):
        self.client = client
        self.auth = auth

    def post(self, source: str, name: str, content: bytes, **fields):
        data = {"csrf_token": self.auth.csrf(), "file": (io.BytesIO(content), name), **fields}
        return self.client.post(f"/imports/{source}/upload", data=data, content_type="multipart/form-data")

    def wait_until_finished(self, batch_id: int, timeout: float = 60.0):
        """Poll the progress fragment until it says the run is over; return that last response."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.client.get(f"/imports/batches/{batch_id}/progress", headers={"HX-Request": "true"})
            if response.headers.get("HX-Trigger") == "import-finished":
                progress.wait(batch_id, timeout)
                return response
            time.sleep(0.05)
        raise AssertionError(f"batch {batch_id} did not finish in {timeout} s")


@pytest.fixture
def uploads(client, auth, network) -> Uploads:
    return Uploads(client, auth)
