"""Fixtures of the import service tests: a folder for the kept files, and helpers to write and import files."""

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services.imports import runner


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    """Keep uploaded files in the test's own folder."""
    app.config["IMPORT_FOLDER"] = str(tmp_path / "kept")
    return tmp_path


class Files:
    """Write CSV/XLSX files in a test folder and import them as a user."""

    def __init__(self, folder: Path, user_id: int | None):
        self.folder = folder
        self.user_id = user_id

    def csv(self, name: str, header: list[str], rows: list[list[str]], separator: str = ";",
            encoding: str = "utf-8") -> Path:
        path = self.folder / name
        with path.open("w", newline="", encoding=encoding) as handle:
            writer = csv.writer(handle, delimiter=separator)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    def xlsx(self, name: str, header: list[str], rows: list[list]) -> Path:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        path = self.folder / name
        workbook.save(path)
        return path

    def dicts(self, name: str, layout, rows: list[dict]) -> Path:
        return self.csv(name, layout.names, [[row.get(field, "") for field in layout.names] for row in rows])

    def load(self, source: str, path: Path, columns: dict | None = None):
        user = db.session.get(User, self.user_id) if self.user_id else None
        return runner.import_file(db.session, user, source, path, columns)


@pytest.fixture
def files(network, import_folder) -> Files:
    return Files(import_folder, network.users["backoffice"])


def count(model, *where) -> int:
    """Return how many rows of ``model`` match ``where``."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where))
