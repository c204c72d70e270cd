"""The bundled sample export and the stories imported from it, which are committed."""

import shutil
from pathlib import Path

from mailbox_import.__main__ import DEFAULT_EXPORT
from mailbox_import.config import load_settings, settings_from
from mailbox_import.export import iter_export
from mailbox_import.pipeline import run_import
from taxonomy.validation import metadata_problems
from taxonomy.vocabulary import STORY_CATEGORIES

ROOT = Path(__file__).resolve().parents[2]


def front_matter(path: Path) -> dict[str, str]:
    head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return {key.lower(): value.strip() for key, value in (line.split(":", 1) for line in head.splitlines())}


def test_sample_covers_every_container_and_enough_messages():
    entries = list(iter_export(DEFAULT_EXPORT))
    assert len(entries) >= 12
    locations = [entry.location for entry in entries]
    assert any(loc.endswith(".eml") for loc in locations)
    assert any("/cur/" in loc or "/new/" in loc for loc in locations)
    assert any("#" in loc and ".sbd/" in loc for loc in locations)


def test_reimporting_the_sample_changes_nothing_in_the_committed_content(tmp_path):
    settings = load_settings(ROOT / "pelicanconf.py")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    copy = settings_from(
        {"MAILBOX_CONTENT_DIR": "content/submissions", "MAILBOX_IMAGES_DIR": "content/images/submissions"},
        tmp_path,
        tmp_path / "content",
    )
    before = {
        p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "content").rglob("*") if p.is_file()
    }
    report = run_import(copy, DEFAULT_EXPORT, workers=1, progress=False)
    after = {
        p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "content").rglob("*") if p.is_file()
    }
    assert report.imported == [] and report.left_alone == [] and report.unchanged >= 5
    assert after == before
    assert settings.stories_dir == ROOT / "content" / "submissions"


def test_committed_stories_match_a_fresh_import(tmp_path):
    (tmp_path / "content").mkdir()
    fresh = settings_from({}, tmp_path, tmp_path / "content")
    run_import(fresh, DEFAULT_EXPORT, workers=1, progress=False)
    committed = ROOT / "content" / "submissions"
    for path in fresh.stories_dir.glob("*.md"):
        assert path.read_bytes() == (committed / path.name).read_bytes(), path.name


def test_sample_stories_have_valid_metadata_and_are_marked_as_samples():
    paths = sorted((ROOT / "content" / "submissions").glob("*.md"))
    assert len(paths) >= 5
    for path in paths:
        meta = front_matter(path)
        assert metadata_problems(meta, path.name) == []
        assert meta.get("category", STORY_CATEGORIES[0]) in STORY_CATEGORIES
        assert len(meta["source"]) == 64
        assert meta["sample"] == "true", "the bundled export is made up: its stories must say so"


def test_sample_text_in_gbk_survives_without_replacement_characters():
    texts = [path.read_text(encoding="utf-8") for path in (ROOT / "content" / "submissions").glob("*.md")]
    assert all("\ufffd" not in text for text in texts)
    assert any("堃、镕" in text for text in texts)  # GBK-only characters sent labelled gb2312
