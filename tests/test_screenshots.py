"""The editors' guide shows the real screens: every picture it references is one `make screenshots`
makes from the sample site, committed in docs/images/, so none is drawn by hand or left stale."""

import re
import subprocess
import sys

import pytest
from browsing import needs_chromium
from PIL import Image
from sitebuild import REPO

sys.path.insert(0, str(REPO / "docs"))
import screenshots  # docs/screenshots.py, the core of make screenshots

GUIDE = REPO / "docs/editor-guide.md"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def referenced() -> list[str]:
    return re.findall(r"!\[[^\]]+\]\(images/([^)]+)\)", GUIDE.read_text(encoding="utf-8"))


def test_the_guide_is_chinese_long_enough_and_every_picture_it_shows_is_made_and_committed():
    text = GUIDE.read_text(encoding="utf-8")
    assert len(CHINESE.findall(text)) >= 3000
    pictures = referenced()
    assert len(pictures) >= 6 and len(set(pictures)) == len(pictures)
    assert set(pictures) == {shot.name for shot in screenshots.SHOTS}, "each picture is made by the command"
    for name in pictures:
        with Image.open(REPO / "docs/images" / name) as image:
            assert image.format == "PNG" and image.width <= 800, name
    assert "docs/editor-guide.md" in (REPO / "README.md").read_text(encoding="utf-8").split("\n## ")[0]


@pytest.fixture(scope="module")
def taken(tmp_path_factory):
    """The command's own run, in a process of its own (as make screenshots runs it): Playwright's
    synchronous API cannot start inside another test's open browser."""
    folder = tmp_path_factory.mktemp("screens")
    run = subprocess.run([sys.executable, str(REPO / "docs/screenshots.py"), str(folder)],
                         cwd=REPO, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    return folder, sorted(folder.glob("*.png"))


@needs_chromium
def test_make_screenshots_takes_every_picture_at_the_committed_size(taken):
    _, written = taken
    assert sorted(path.name for path in written) == sorted(referenced())
    for path in written:
        with Image.open(path) as fresh, Image.open(REPO / "docs/images" / path.name) as committed:
            assert fresh.width == committed.width, path.name
            assert fresh.getcolors(256) and len(fresh.getcolors(256)) > 16, "a real screen, not a blank"


@needs_chromium
def test_the_import_picture_shows_a_real_import_report(taken):
    folder, _ = taken
    with Image.open(folder / "import-report.png") as picture:
        assert picture.height > 600, "the report of the sample mailbox's first import, many lines long"
    report = screenshots.terminal_page("make import", "邮箱导入结果 / Mailbox import summary\n  <新导入>")
    assert "$ make import" in report and "&lt;新导入&gt;" in report
