"""Fuzz: damaged submissions through a real import, then a real Pelican build of what it wrote.

The messages are mutated from the corpus in mailcorpus (flipped bytes, truncation, broken boundaries,
mangled headers, inserted junk, control characters, mixed charsets) with a fixed seed, so a failure
reproduces: FUZZ_SEED=<n> picks another corpus for a one-off run.
"""

import os
import re
import shutil

import feedparser
import pytest
from mailbox_import.config import settings_from
from mailbox_import.pipeline import list_pending, render_pending, run_import
from mailcorpus import damaged_messages, write
from sitebuild import REPO, build_site

MESSAGES = 3000
SEED = int(os.environ.get("FUZZ_SEED", "8"))
PENDING_EVERY = 10  # every tenth message waits in the inbox, so pending is counted too
BASE64_LINE = re.compile(r"^[A-Za-z0-9+/]{40,}={0,2}$", re.MULTILINE)
MIME_HEADER = re.compile(
    r"^\W*(?:content-(?:type|transfer-encoding|disposition|id)|mime-version)\s*:",
    re.IGNORECASE | re.MULTILINE,
)
# HTML source shown as text: a tag of mail HTML in a page's visible text.
HTML_SOURCE = re.compile(r"</?(?:html|head|body|p|div|br|span|font|img|td)\b[^<>]*>?", re.IGNORECASE)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    project = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(REPO / "content", project / "content", ignore=shutil.ignore_patterns("submissions"))
    export = project / "export"
    for number, data in enumerate(damaged_messages(MESSAGES, SEED)):
        folder = "收件箱" if number % PENDING_EVERY == 0 else "已采用"
        write(export / folder / f"{number:05d}.eml", data)
    settings = settings_from({}, project, project / "content")
    report = run_import(settings, export, workers=2, progress=False)
    build = build_site(project / "output", content=project / "content")
    review = render_pending(list_pending(settings, export))
    return report, settings, build, review


def test_every_message_is_accounted_for(fuzzed):
    report, _settings, _build, _review = fuzzed
    counted = (
        report.imported.total
        + report.unchanged
        + report.duplicates.total
        + report.left_alone.total
        + report.skipped.total
        + report.pending
    )
    assert counted == MESSAGES
    assert report.pending == MESSAGES // PENDING_EVERY
    assert report.imported.total > 100, "the corpus must leave stories to build"
    assert report.skipped.total > 100, "the corpus must damage mail beyond repair"


def test_review_lists_every_pending_message_without_control_characters(fuzzed):
    report, _settings, _build, review = fuzzed
    assert review.startswith(f"待审核邮件 / Pending review: {report.pending}\n")
    assert not CONTROL.search(review)


def test_every_skip_reason_is_chinese_and_says_what_to_do(fuzzed):
    report, _settings, _build, _review = fuzzed
    for _folder, location, reason in report.skipped:
        assert re.search("[\u4e00-\u9fff]{4}", reason), (location, reason)
        assert "请" in reason, (location, reason)
        assert not re.search(r"\b(?:could not|broken|missing|truncated|not valid)\b", reason), reason


def test_no_story_holds_encoded_data_mime_headers_or_control_characters(fuzzed):
    _report, settings, _build, _review = fuzzed
    stories = sorted(settings.stories_dir.glob("*.md"))
    assert stories
    for path in stories:
        text = path.read_text(encoding="utf-8")
        body = text.split("\n\n", 1)[1]
        assert not BASE64_LINE.search(body), (path.name, BASE64_LINE.search(body))
        assert not MIME_HEADER.search(body), (path.name, MIME_HEADER.search(body))
        assert not CONTROL.search(text), path.name


def test_the_site_builds_and_every_feed_parses(fuzzed):
    _report, _settings, build, _review = fuzzed
    assert build.returncode == 0, build.log[-5000:]
    feeds = sorted((build.output / "feeds").rglob("*.xml"))
    assert len(feeds) > 10
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    for path in [*build.html_files(), *feeds, build.output / "feeds" / "app.json"]:
        assert not CONTROL.search(path.read_text(encoding="utf-8")), path


def test_pages_of_imported_stories_carry_no_mail_residue(fuzzed):
    _report, settings, build, _review = fuzzed
    names = [path.stem for path in settings.stories_dir.glob("*.md")]
    pages = [page for page in (build.output / "stories").rglob("index.html") if page.parent.name in names]
    assert len(pages) == len(names)
    for page in pages:
        text = build.page(str(page.relative_to(build.output))).get_text("\n")
        assert not BASE64_LINE.search(text) and not MIME_HEADER.search(text), page
        assert not HTML_SOURCE.search(text), (page, HTML_SOURCE.search(text))
