"""End to end: the sample export imported into a copy of content/, then a real Pelican build."""

import html
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mailbox_import.__main__ import DEFAULT_EXPORT
from mailbox_import.config import settings_from
from mailbox_import.pipeline import list_pending, run_import

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_BODY = (
    '<script>alert("x")</script><img src="x.png" onerror="alert(1)">'
    '<a href="javascript:alert(2)">link</a><iframe src="https://evil.example/"></iframe>'
    '<svg onload="alert(3)"></svg><form action="https://evil.example/"></form><p style="color:red">红字</p>'
)


def pelican_overrides() -> list[str]:
    """The project's settings as they are; until the project theme exists, Pelican's own theme."""
    if (ROOT / "theme" / "templates").is_dir():
        return []
    fallback = {"THEME": "simple", "PLUGINS": ["sanitizer"], "DIRECT_TEMPLATES": ["index", "archives"]}
    return ["-e", *(f"{key}={json.dumps(value)}" for key, value in fallback.items())]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = tmp_path_factory.mktemp("site")
    shutil.copytree(ROOT / "content", project / "content", ignore=shutil.ignore_patterns("submissions"))
    settings = settings_from({}, project, project / "content")
    report = run_import(settings, DEFAULT_EXPORT, workers=1, progress=False)
    extra = project / "content" / "submissions"
    (extra / "hostile.md").write_text(
        "Title: 恶意标记测试\nDate: 2020-03-01 10:00\nSlug: hostile-test\n"
        f"Source: {'0' * 64}\n\n{HOSTILE_BODY}\n",
        encoding="utf-8",
    )
    (extra / "draft.md").write_text(
        "Title: 未完成的草稿稿件\nDate: 2020-03-02 10:00\nSlug: draft-test\nStatus: draft\n\n"
        "草稿正文绝不能发布。\n",
        encoding="utf-8",
    )
    output = project / "output"
    command = [sys.executable, "-m", "pelican", str(project / "content"), "-s", str(ROOT / "pelicanconf.py")]
    command += ["-o", str(output), *pelican_overrides()]
    build = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    pages = {
        path: path.read_text(encoding="utf-8", errors="replace")
        for path in output.rglob("*")
        if path.is_file() and path.suffix in (".html", ".xml", ".atom", ".rss", ".json", ".txt")
    }
    return report, settings, pages


def test_every_approved_story_is_published(site):
    report, _settings, pages = site
    assert len(report.imported) >= 5
    by_address = {path.parent.name: html.unescape(text) for path, text in pages.items()}
    for name, title in report.imported:
        page = by_address[name.removesuffix(".md")]  # stories/<year>/<slug>/index.html; slug = file name
        assert title in page


def test_nothing_from_pending_or_expunged_mail_is_published(site):
    _report, settings, pages = site
    pending_subjects = [message.subject for message in list_pending(settings, DEFAULT_EXPORT)]
    assert len(pending_subjects) >= 3
    for path, text in pages.items():
        assert "不应出现在网站上" not in text and "不应导入" not in text, path
        assert "口罩大促销" not in text and "南通市红十字" not in text, path


def test_no_active_content_survives_into_any_page_or_feed(site):
    _report, _settings, pages = site
    story = next(text for path, text in pages.items() if "hostile-test" in str(path))
    assert "红字" in story
    # The hostile story's and the sample's payloads, specific enough not to match the theme's own markup.
    payloads = (
        "<script>alert",
        "onerror=",
        "onclick=",
        "onload=",
        "javascript:",
        "evil.example",
        "tracker.example",
        "steal()",
        'style="color:red"',
        "<svg onload",
    )
    for payload in payloads:
        assert all(payload not in text for text in pages.values()), payload


def test_personal_data_never_reaches_the_site(site):
    _report, _settings, pages = site
    for secret in ("13912345678", "139 1234 5678", "138-0000-1234", "320302199003071234", "zhang.mishu@"):
        assert all(secret not in text for text in pages.values()), secret


def test_drafts_are_never_written(site):
    _report, _settings, pages = site
    assert all("未完成的草稿稿件" not in text and "草稿正文" not in text for text in pages.values())


def test_pelicanconf_keeps_drafts_unpublished():
    from pelican.settings import get_settings_from_file

    settings = get_settings_from_file(str(ROOT / "pelicanconf.py"))
    assert settings["DRAFT_SAVE_AS"] == "" and settings["DRAFT_PAGE_SAVE_AS"] == ""
    assert "sanitizer" in settings["PLUGINS"], "imported stories are cleaned again at build time"
