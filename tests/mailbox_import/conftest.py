from pathlib import Path

import pytest
from mailbox_import.config import ImportSettings, settings_from
from mailbox_import.pipeline import run_import
from mailbox_import.report import Report


@pytest.fixture
def settings(tmp_path: Path) -> ImportSettings:
    (tmp_path / "content").mkdir()
    return settings_from({}, tmp_path, tmp_path / "content")


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export"
    path.mkdir()
    return path


@pytest.fixture
def run(settings: ImportSettings, export: Path):
    def run_once(workers: int = 1) -> Report:
        return run_import(settings, export, workers=workers, progress=False)

    return run_once
