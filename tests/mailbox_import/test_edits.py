"""Editing a published story changes its feed items' updated time, never their ID, without `Modified:`;
cold and cached builds agree because the edit time lives in content/ (the manifest), not in a cache."""

import hashlib
import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from mailbox_import.__main__ import DEFAULT_EXPORT
from mailbox_import.config import settings_from
from mailbox_import.pipeline import run_import
from mailbox_import.store import MANIFEST_NAME
from sitebuild import build_site, content_with

ATOM = "{http://www.w3.org/2005/Atom}"


def manifest_entry(stories: Path, name: str) -> dict:
    for line in (stories / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()[1:-1]:
        ((key, entry),) = json.loads("{" + line.removeprefix(",") + "}").items()
        if key == name:
            return entry
    raise KeyError(name)


def atom_entry(output: Path, slug: str) -> dict[str, str]:
    feed = ET.parse(output / "feeds" / "all.atom.xml").getroot()
    for entry in feed.iter(f"{ATOM}entry"):
        if any(slug in link.get("href", "") for link in entry.iter(f"{ATOM}link")):
            return {name: entry.findtext(f"{ATOM}{name}") for name in ("id", "published", "updated")}
    raise KeyError(slug)


def feed_files(output: Path) -> dict[str, bytes]:
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in (output / "feeds").rglob("*")
        if path.is_file()
    }


def test_an_edit_changes_updated_not_the_id_and_cold_and_cached_builds_agree(tmp_path):
    project = tmp_path / "site"
    content = content_with(project, {})
    settings = settings_from({}, project, content)
    story = sorted(settings.stories_dir.glob("*.md"))[0]
    slug = next(line for line in story.read_text().splitlines() if line.startswith("Slug: "))[6:]
    first = build_site(
        tmp_path / "output", content=content, extra_settings={"CACHE_PATH": str(tmp_path / "cache")}
    )
    assert first.returncode == 0, first.log
    before = atom_entry(tmp_path / "output", slug)
    assert before["updated"] == before["published"]

    # Nothing edited: an import notes nothing and the manifest keeps its bytes.
    manifest = (settings.stories_dir / MANIFEST_NAME).read_bytes()
    assert run_import(settings, DEFAULT_EXPORT, workers=1, progress=False).edited == 0
    assert (settings.stories_dir / MANIFEST_NAME).read_bytes() == manifest

    story.write_text(story.read_text().replace("。", "。（编辑订正）", 1))
    report = run_import(settings, DEFAULT_EXPORT, workers=1, progress=False)
    assert report.edited == 1
    edited_hash, edited_at = manifest_entry(settings.stories_dir, story.name)["edited"]
    assert edited_hash == hashlib.sha256(story.read_bytes()).hexdigest()
    assert run_import(settings, DEFAULT_EXPORT, workers=1, progress=False).edited == 0  # noted once

    cached = build_site(
        tmp_path / "output", content=content, extra_settings={"CACHE_PATH": str(tmp_path / "cache")}
    )
    assert cached.returncode == 0, cached.log
    after = atom_entry(tmp_path / "output", slug)
    assert after["id"] == before["id"] and after["published"] == before["published"]
    assert datetime.fromisoformat(after["updated"]) == datetime.fromisoformat(edited_at)
    assert after["updated"] > before["updated"]

    cold = build_site(
        tmp_path / "cold", content=content, extra_settings={"CACHE_PATH": str(tmp_path / "cold-cache")}
    )
    assert cold.returncode == 0, cold.log
    assert feed_files(tmp_path / "cold") == feed_files(tmp_path / "output")
    assert (tmp_path / "cold" / "sitemap.xml").read_bytes() == (
        tmp_path / "output" / "sitemap.xml"
    ).read_bytes()
