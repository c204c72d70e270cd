"""What a page was rendered from: recorded template variables and stable digests of their values."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from fastbuild.inputs import READ_NAMES_KEY, Describer, RecordingContext, inputs_digest
from jinja2 import DictLoader, Environment
from pelican.urlwrappers import Tag

REPO = Path(__file__).resolve().parents[2]
SETTINGS = {"TAG_URL": "tag/{slug}/", "TAG_SAVE_AS": "tag/{slug}/index.html"}


def render_recording(templates: dict[str, str], values: dict) -> set[str]:
    environment = Environment(loader=DictLoader(templates))
    environment.context_class = RecordingContext
    read_names: set[str] = set()
    environment.get_template("page.html").render({**values, READ_NAMES_KEY: read_names})
    return read_names


def test_records_names_read_in_extended_included_and_imported_templates():
    templates = {
        "base.html": "{{ site }}{% block body %}{% endblock %}",
        "page.html": (
            '{% extends "base.html" %}{% from "macros.html" import card with context %}'
            '{% block body %}{% if first %}{{ first_only() }}{% endif %}{% include "part.html" %}'
            "{{ card() }}{% endblock %}"
            # Jinja looks names up when a block or macro starts, so a macro defers them to its call.
            "{% macro first_only() %}{{ everything }}{% endmacro %}"
        ),
        "part.html": "{{ included }}",
        "macros.html": "{% macro card() %}{{ from_macro }}{% endmacro %}",
    }
    values = {"site": 1, "first": False, "everything": 2, "included": 3, "from_macro": 4, "unused": 5}
    read = render_recording(templates, values)
    assert {"site", "first", "included", "from_macro"} <= read
    assert "everything" not in read  # not read on this page: a change to it does not re-render it
    assert "unused" not in read


def test_digest_changes_with_a_value_and_only_for_the_names_read():
    base = {"title": "甲", "articles": ["a", "b"], "other": 1}
    digest = inputs_digest(Describer(), base, ["title", "articles"])
    assert inputs_digest(Describer(), {**base, "other": 2}, ["title", "articles"]) == digest
    assert inputs_digest(Describer(), {**base, "articles": ["a", "c"]}, ["title", "articles"]) != digest
    assert inputs_digest(Describer(), {**base, "title": "乙"}, ["title", "articles"]) != digest
    assert inputs_digest(Describer(), base, ["title"]) != digest


def test_a_tag_has_the_same_digest_before_and_after_its_url_is_formatted():
    tag = Tag("物资保障", SETTINGS)
    before = Describer().describe(tag)
    assert tag.url  # formats the URL, which adds "name" and "slug" to the tag's __dict__
    assert Describer().describe(tag) == before
    assert Describer().describe(Tag("志愿服务", SETTINGS)) != before


@dataclass(frozen=True, slots=True)
class Slotted:
    names: frozenset[str]
    title: str


def test_a_dataclass_with_slots_is_described_by_its_fields_in_every_process():
    # Its repr lists a set in the process's string-hash order, which changes from build to build.
    names = [f"频道{n}" for n in range(20)]
    code = (
        "import sys; sys.path[:0] = ['plugins', 'tests/fastbuild']; from fastbuild.inputs import Describer; "
        f"from test_inputs import Slotted; print(Describer().describe(Slotted(frozenset({names!r}), '甲')))"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True, cwd=REPO,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1
    assert Describer().describe(Slotted(frozenset(names), "乙")) != Describer().describe(
        Slotted(frozenset(names), "甲")
    )


def test_a_recorded_build_is_current_until_a_source_changes_or_a_story_date_comes(tmp_path):
    from datetime import UTC, datetime, timedelta

    from fastbuild.uptodate import build_state, is_current, record_build

    sources, output, record = tmp_path / "content", tmp_path / "output", tmp_path / "last-build.json"
    sources.mkdir()
    output.mkdir()
    (sources / "a.md").write_text("甲", encoding="utf-8")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    record_build(record, build_state("f1", sources, output), now + timedelta(days=1))
    assert is_current(record, build_state("f1", sources, output), now)
    assert not is_current(record, build_state("f1", sources, output), now + timedelta(days=2))
    assert not is_current(record, build_state("f2", sources, output), now)
    (sources / "b.md").write_text("乙", encoding="utf-8")
    assert not is_current(record, build_state("f1", sources, output), now)


def test_a_tree_digest_is_the_same_walked_by_two_processes_and_sees_a_change_at_any_depth(tmp_path):
    from fastbuild.uptodate import tree_digest

    files = ["index.html", "feeds/all.xml", "photos/00/a.webp", "photos/01/b.webp", "photos/02/c.webp",
             "photos/03/d.webp", "stories/2020/s/index.html", "stories/2021/t/deep/er/index.html"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, encoding="utf-8")
    digests = {tree_digest(tmp_path), tree_digest(tmp_path, workers=2), tree_digest(tmp_path, workers=3)}
    assert len(digests) == 1
    seen = digests.pop()
    for changed in ("index.html", "photos/02/c.webp", "stories/2021/t/deep/er/index.html"):
        path = tmp_path / changed
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1))
        now = tree_digest(tmp_path, workers=2)
        assert now != seen and now == tree_digest(tmp_path), changed
        seen = now
    (tmp_path / "photos/01/b.webp").rename(tmp_path / "photos/01/b2.webp")
    assert tree_digest(tmp_path, workers=2) != seen
