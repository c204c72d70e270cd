"""The importer dates stories in the site's time zone, TIMEZONE in pelicanconf.py, as Pelican reads them."""

import os
import time
from datetime import datetime
from pathlib import Path

import pytest
from mailbox_import.config import load_settings, settings_from
from mailbox_import.pipeline import run_import
from mailcorpus import message, write
from test_edits import manifest_entry

ROOT = Path(__file__).resolve().parents[2]
STORY = "南京市测试志愿者协会组织志愿者开展社区防疫宣传，累计服务居民三百余人次，发放宣传资料两千份。"
DROPPED = "无锡市某基金会资助困难学生五十名，发放助学金十万元，帮助他们安心学习。"
SENT = "Tue, 18 Feb 2020 10:30:00 +0800"  # 02:30 UTC
NO_ZONE = "Tue, 18 Feb 2020 09:15:00 -0000"  # RFC 5322: the sender's zone unknown
SAVED = 1582000000  # the drop-folder file's modification time: 2020-02-18 04:26:40 UTC


def dates(stories: Path) -> dict[str, str]:
    """Each story's Date line, by the first words of its body."""
    found = {}
    for path in stories.glob("*.md"):
        head, body = path.read_text(encoding="utf-8").split("\n\n", 1)
        (date,) = [line[6:] for line in head.splitlines() if line.startswith("Date: ")]
        found[body.strip()[:3]] = date
    return found


def import_with(tmp_path: Path, values: dict, workers: int):
    (tmp_path / "content").mkdir()
    settings = settings_from(values, tmp_path, tmp_path / "content")
    export = tmp_path / "export"
    write(export / "已采用" / "sent.eml", message(STORY, date=SENT))
    write(export / "已采用" / "no-zone.eml", message("苏州市" + STORY[3:], date=NO_ZONE))
    dropped = write(settings.inbox_dir / "无锡.txt", DROPPED.encode())
    os.utime(dropped, (time.time(), SAVED))
    report = run_import(settings, export, workers=workers, progress=False)
    assert report.imported.total == 3, report.render()
    return settings


@pytest.mark.parametrize(
    ("values", "sent", "saved"),
    [
        ({}, "2020-02-18 10:30", "2020-02-18 12:26"),  # no TIMEZONE: the site's default, China
        ({"TIMEZONE": "Asia/Shanghai"}, "2020-02-18 10:30", "2020-02-18 12:26"),
        ({"TIMEZONE": "Europe/Berlin"}, "2020-02-18 03:30", "2020-02-18 05:26"),  # CET, UTC+1 in February
        ({"TIMEZONE": "UTC"}, "2020-02-18 02:30", "2020-02-18 04:26"),
    ],
)
def test_stories_are_dated_in_the_configured_time_zone(tmp_path, values, sent, saved):
    # Two workers: the zone travels to the conversion processes with each job.
    settings = import_with(tmp_path, values, workers=2)
    assert dates(settings.stories_dir) == {
        "南京市": sent,  # a Date header in +0800, converted into the site's zone
        "苏州市": "2020-02-18 09:15",  # a Date header with no zone (-0000): taken as the site's time
        "无锡市": saved,  # a dropped file's modification time, in the site's zone
    }


def test_an_edit_is_noted_in_the_configured_time_zone(tmp_path):
    settings = import_with(tmp_path, {"TIMEZONE": "Europe/Berlin"}, workers=1)
    story = next(path for path in settings.stories_dir.glob("*.md") if "无锡市" in path.read_text())
    story.write_text(story.read_text().replace("五十名", "六十名"))
    assert run_import(settings, tmp_path / "export", workers=1, progress=False).edited == 1
    _hash, noted = manifest_entry(settings.stories_dir, story.name)["edited"]
    assert datetime.fromisoformat(noted).utcoffset().total_seconds() in (3600, 7200)  # CET or CEST


def test_the_sites_settings_give_the_importer_the_sites_time_zone():
    assert load_settings(ROOT / "pelicanconf.py").timezone.key == "Asia/Shanghai"


@pytest.mark.parametrize("zone", ["Asia/Nowhere", "../etc/passwd", 8])
def test_a_time_zone_that_does_not_exist_stops_with_a_clear_error(tmp_path, zone):
    with pytest.raises(SystemExit, match=r"pelicanconf\.py.*TIMEZONE"):
        settings_from({"TIMEZONE": zone}, tmp_path, tmp_path)
