"""The manifest: its committed layout, and how a reformatted or damaged one is read."""

import json
import shutil
from pathlib import Path

import pytest
from mailbox_import.convert import fingerprint
from mailbox_import.store import MANIFEST_NAME, Store
from mailcorpus import message, write

ROOT = Path(__file__).resolve().parents[2]
STORY = "南京市测试志愿者协会组织志愿者开展社区防疫宣传，累计服务居民三百余人次，发放宣传资料两千份。"


def import_three_stories(export, run):
    for number in range(3):
        write(export / "已采用" / f"{number}.eml", message(f"{STORY}第{number}篇。", subject=f"稿件{number}"))
    resend = message(f"{STORY}第1篇。", subject="稿件1 重发", date="Wed, 19 Feb 2020 10:30:00 +0800")
    write(export / "已采用" / "resend.eml", resend)
    run()
    return resend


def test_manifest_has_one_story_per_line_in_name_order(export, run, settings):
    resend = import_three_stories(export, run)
    text = (settings.stories_dir / MANIFEST_NAME).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == '{"version": 1, "stories": {' and lines[-1] == "}}" and text.endswith("}}\n")
    names = [json.loads("{" + line.removeprefix(",") + "}").popitem()[0] for line in lines[1:-1]]
    assert names == sorted(path.name for path in settings.stories_dir.glob("*.md")) and len(names) == 3
    assert [line.startswith(",") for line in lines[1:-1]] == [False, True, True]
    stories = json.loads(text)["stories"]
    resent = [entry["sources"] for entry in stories.values() if len(entry["sources"]) == 2]
    assert len(resent) == 1 and resent[0][1] == fingerprint(resend)  # sources in the order they came


def test_saving_the_committed_manifest_gives_back_the_same_bytes(tmp_path):
    committed = ROOT / "content" / "submissions" / MANIFEST_NAME
    (tmp_path / "stories").mkdir()
    shutil.copy(committed, tmp_path / "stories" / MANIFEST_NAME)
    with Store.open(tmp_path / "stories", tmp_path / "images") as store:
        store.changed = True
        store.save()
    assert (tmp_path / "stories" / MANIFEST_NAME).read_bytes() == committed.read_bytes()


def test_a_manifest_reformatted_as_other_json_is_still_read(export, run, settings):
    import_three_stories(export, run)
    manifest = settings.stories_dir / MANIFEST_NAME
    manifest.write_text(json.dumps(json.loads(manifest.read_text(encoding="utf-8")), indent=2), "utf-8")
    report = run()
    assert report.imported == report.duplicates == [] and report.unchanged == 4


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: text.replace("\n,", "\n", 1),  # a comma lost
        lambda text: text.replace('"written"', '"writen"', 1),  # not a manifest entry
    ],
)
def test_a_damaged_manifest_stops_the_import_before_anything_is_written(export, run, settings, damage):
    import_three_stories(export, run)
    manifest = settings.stories_dir / MANIFEST_NAME
    manifest.write_text(damage(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    before = {path: path.read_bytes() for path in settings.stories_dir.iterdir()}
    write(export / "已采用" / "new.eml", message(f"{STORY}新的一篇。", subject="新稿件"))
    with pytest.raises(SystemExit, match=r"已损坏.*稿件一篇未动.*git checkout"):
        run()
    assert {path: path.read_bytes() for path in settings.stories_dir.iterdir()} == before


def test_stories_missing_from_an_older_manifest_are_recognised_not_skipped(export, run, settings, tmp_path):
    """What the damaged-manifest message advises: restore it from git (older), then run again."""
    import_three_stories(export, run)
    manifest = settings.stories_dir / MANIFEST_NAME
    older = manifest.read_bytes()
    for number in (3, 4):
        write(export / "已采用" / f"{number}.eml", message(f"{STORY}第{number}篇。", subject=f"稿件{number}"))
    assert len(run().imported) == 2
    def content():
        return {path: path.read_bytes() for path in (tmp_path / "content").rglob("*") if path.is_file()}

    complete = content()
    manifest.write_bytes(older)
    report = run()
    assert report.skipped == report.left_alone == [] and len(report.imported) == 2
    assert content() == complete
