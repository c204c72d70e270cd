"""A submission whose HTML part lost its type label in transit (read as plain text), through a real
import and a real build: its page shows the story as paragraphs, none of its HTML source, nothing
active, and its feed items carry no markup in their text fields."""

import shutil

from hostile_fields import unsafe_places
from mailbox_import.config import settings_from
from mailbox_import.pipeline import run_import
from mailcorpus import message, write
from sitebuild import REPO, build_site
from test_convert import DAMAGED_TYPE_DOCUMENT, STORY


def test_an_html_part_labelled_plain_text_becomes_a_clean_story(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content", ignore=shutil.ignore_patterns("submissions"))
    damaged = message(DAMAGED_TYPE_DOCUMENT).replace(b"Content-Type: text/plain", b"Content-Tpye: text/html")
    write(tmp_path / "export" / "已采用" / "damaged.eml", damaged)
    settings = settings_from({}, tmp_path, tmp_path / "content")
    report = run_import(settings, tmp_path / "export", workers=1, progress=False)
    assert report.imported.total == 1
    [story] = settings.stories_dir.glob("*.md")

    build = build_site(tmp_path / "output", content=tmp_path / "content")
    assert build.returncode == 0, build.log
    [page] = (build.output / "stories").rglob(f"{story.stem}/index.html")
    body = build.page(str(page.relative_to(build.output))).find(class_="story__body")
    assert [p.get_text() for p in body.find_all("p")] == [STORY, "第二段，捐赠口罩五千只。", "第三段。"]
    assert "<" not in body.get_text() and "alert" not in str(body)
    assert unsafe_places(build.output) == []
