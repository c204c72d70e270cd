import os

import pytest
from mailbox_import import store as store_module
from mailbox_import.export import SAMPLE_MARKER
from mailbox_import.store import MANIFEST_NAME, atomic_write
from mailcorpus import b64, encoded_word, message, multipart, text_part, write

STORY = "南京市测试志愿者协会组织志愿者开展社区防疫宣传，累计服务居民三百余人次，发放宣传资料两千份。"


def snapshot(directory):
    return {p.relative_to(directory): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def stories(settings):
    return sorted(settings.stories_dir.glob("*.md"))


def test_import_writes_front_matter_and_rerun_changes_nothing(export, run, settings, tmp_path):
    write(export / "已采用" / "a.eml", message(STORY))
    first = run()
    assert len(first.imported) == 1
    (path,) = stories(settings)
    text = path.read_text(encoding="utf-8")
    head = text.split("\n\n", 1)[0].splitlines()
    keys = [line.split(":", 1)[0] for line in head]
    assert keys == ["Title", "Date", "Category", "Summary", "Slug", "Org", "Org_type", "Region", "Source"]
    assert "Sample:" not in text
    before = snapshot(tmp_path / "content")
    second = run()
    assert second.imported == [] and second.unchanged == 1
    assert snapshot(tmp_path / "content") == before


def test_stories_from_a_made_up_export_are_marked_as_samples(export, run, settings):
    write(export / "已采用" / "a.eml", message(STORY))
    (export / SAMPLE_MARKER).write_text("虚构的示例导出", encoding="utf-8")
    assert len(run().imported) == 1
    (path,) = stories(settings)
    assert "\nSample: true\n" in path.read_text(encoding="utf-8")


def test_resend_in_another_encoding_with_a_new_message_id_is_one_story(export, run, settings):
    write(export / "已采用" / "utf8.eml", message(STORY, extra_headers=(("Message-ID", "<1@x>"),)))
    gbk = message(
        b64(STORY.encode("gbk")) + b"\r\n",
        content_type="text/plain; charset=gb2312",
        encoding="base64",
        subject=encoded_word("【工作动态】志愿者开展社区防疫宣传", "gbk"),
        extra_headers=(("Message-ID", "<2@x>"),),
    )
    write(export / "已采用" / "gbk.eml", gbk)
    html = multipart(
        [text_part(f"<div>{STORY}</div>", "html", "gbk")], extra_headers=(("Message-ID", "<3@x>"),)
    )
    write(export / "已采用" / "html.eml", html)
    report = run()
    assert len(report.imported) == 1 and len(report.duplicates) == 2
    assert len(stories(settings)) == 1
    again = run()
    assert again.unchanged == 3 and again.imported == again.duplicates == []


def test_the_same_message_twice_in_the_export_is_one_story(export, run, settings):
    write(export / "已采用" / "a.eml", message(STORY))
    write(export / "已采用" / "copy" / "a.eml", message(STORY))
    report = run()
    assert len(report.imported) == 1 and report.unchanged == 1


def test_a_story_edited_by_hand_is_never_overwritten(export, run, settings):
    write(export / "已采用" / "a.eml", message(STORY))
    run()
    (path,) = stories(settings)
    edited = path.read_text(encoding="utf-8").replace("Org_type: 志愿服务组织", "Org_type: 社区社会组织")
    edited += "\n编辑补充的一段话。\n"
    path.write_text(edited, encoding="utf-8")
    write(export / "已采用" / "resent.eml", message(STORY, date="Wed, 19 Feb 2020 10:30:00 +0800"))
    report = run()
    assert path.read_text(encoding="utf-8") == edited
    assert report.left_alone == [(path.name, "编辑手工改过，导入未覆盖")]
    assert "left alone: 1" in report.render()


def test_a_lost_manifest_never_lets_the_import_overwrite_stories(export, run, settings):
    write(export / "已采用" / "a.eml", message(STORY))
    run()
    (path,) = stories(settings)
    path.write_text(path.read_text(encoding="utf-8") + "编辑改过。\n", encoding="utf-8")
    edited = path.read_bytes()
    (settings.stories_dir / MANIFEST_NAME).unlink()
    report = run()
    assert path.read_bytes() == edited  # still names its message as Source: the importer's, edited
    left_alone = [(path.name, "编辑手工改过，导入未覆盖")]
    assert report.imported == report.skipped == [] and report.left_alone == left_alone
    assert run().left_alone == left_alone  # and recorded as such


def test_a_file_of_the_same_name_that_the_importer_did_not_write_is_never_overwritten(export, run, settings):
    write(export / "已采用" / "a.eml", message(STORY))
    run()
    (path,) = stories(settings)
    text = path.read_text(encoding="utf-8")
    foreign = "\n".join(line for line in text.splitlines() if not line.startswith("Source:")) + "\n"
    path.write_text(foreign, encoding="utf-8")
    (settings.stories_dir / MANIFEST_NAME).unlink()
    report = run()
    assert path.read_text(encoding="utf-8") == foreign
    assert report.imported == [] and "未覆盖" in report.skipped[0][2]


def test_a_deleted_story_is_not_brought_back(export, run, settings):
    write(export / "已采用" / "a.eml", message(STORY))
    run()
    (path,) = stories(settings)
    path.unlink()
    report = run()
    assert not path.exists() and report.left_alone == [(path.name, "编辑已删除该稿件文件，导入未恢复")]


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "story.md"
    target.write_text("old", encoding="utf-8")

    def crash(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(store_module.os, "replace", crash)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["story.md"]


def test_written_files_are_readable_by_the_web_build(export, run, settings):
    write(export / "已采用" / "a.eml", message(STORY))
    run()
    (path,) = stories(settings)
    assert os.stat(path).st_mode & 0o044 == 0o044


def test_one_bad_message_never_stops_the_run(export, run, settings):
    write(export / "已采用" / "01-good.eml", message(STORY))
    write(export / "已采用" / "02-broken.eml", message(b"5Lit!!!$$$5Lit\r\n", encoding="base64"))
    write(export / "已采用" / "03-empty.eml", b"")
    write(export / "已采用" / "04-cut.eml", multipart([text_part(STORY + "另一篇")])[:-30])
    write(export / "已采用" / "05-good.eml", message(STORY + "第二篇。", subject="另一篇稿件"))
    report = run()
    assert len(report.imported) == 2
    skipped = {(folder, location): reason for folder, location, reason in report.skipped}
    assert set(skipped) == {
        ("已采用", f"已采用/{name}") for name in ("02-broken.eml", "03-empty.eml", "04-cut.eml")
    }
    assert "base64 编码的数据已损坏" in skipped[("已采用", "已采用/02-broken.eml")]
    assert "邮件是空的" in skipped[("已采用", "已采用/03-empty.eml")]
    assert "截断" in skipped[("已采用", "已采用/04-cut.eml")]
    assert all(reason.endswith("请来稿单位重新发送") for reason in skipped.values())
    rendered = report.render()
    assert "已采用 / 已采用/02-broken.eml: 邮件中 base64 编码的数据已损坏" in rendered


def test_process_pool_gives_the_same_result_as_one_worker(tmp_path, settings, export):
    from mailbox_import.config import settings_from
    from mailbox_import.pipeline import run_import

    for number in range(6):
        write(export / "已采用" / f"{number}.eml", message(f"{STORY}第{number}篇。", subject=f"稿件{number}"))
    write(export / "已采用" / "dup.eml", message(f"{STORY}第0篇。", subject="稿件0 重发"))
    pooled = run_import(settings, export, workers=2, progress=False)
    (tmp_path / "other" / "content").mkdir(parents=True)
    other = settings_from({}, tmp_path / "other", tmp_path / "other" / "content")
    inline = run_import(other, export, workers=1, progress=False)
    assert pooled.imported == inline.imported and len(pooled.duplicates) == 1
    assert snapshot(settings.stories_dir) == snapshot(other.stories_dir)


def test_report_counts_masked_personal_data_by_kind_and_story(export, run):
    write(export / "已采用" / "a.eml", message(STORY + "联系电话13912345678，身份证号 11010519491231002X。"))
    report = run()
    ((name, _title),) = report.imported
    assert sorted(report.maskings) == [
        (name, "手机号", "139****5678"),
        (name, "身份证号", "110***********002X"),
    ]
    text = report.render()
    assert "手机号 1" in text and "身份证号 1" in text and "13912345678" not in text


def test_a_huge_report_keeps_counts_but_lists_only_the_first_lines():
    from mailbox_import.report import DETAIL_LIMIT, Report

    report = Report()
    report.imported += [(f"{n}.md", f"稿件{n}") for n in range(DETAIL_LIMIT + 7)]
    report.maskings += [(f"{n}.md", "手机号", "139****5678") for n in range(DETAIL_LIMIT + 1)]
    text = report.render()
    assert report.imported.total == DETAIL_LIMIT + 7 and len(report.imported) == DETAIL_LIMIT
    assert f"imported:            {DETAIL_LIMIT + 7}" in text and "另有 7 条未列出" in text
    assert f"手机号 {DETAIL_LIMIT + 1}" in text


def test_progress_bar_goes_to_stderr(export, settings, capsys):
    from mailbox_import.pipeline import run_import

    write(export / "已采用" / "a.eml", message(STORY))
    run_import(settings, export, workers=1, progress=True)
    captured = capsys.readouterr()
    assert "导入邮件" in captured.err and "导入邮件" not in captured.out


def test_a_message_that_kills_its_worker_does_not_stop_the_run(export, settings, monkeypatch):
    from mailbox_import import pipeline

    real_convert = pipeline.convert

    def convert_or_die(data, *args, **kwargs):
        if b"KILLS-THE-WORKER" in data:
            os._exit(1)  # what the kernel's out-of-memory killer does to a worker
        return real_convert(data, *args, **kwargs)

    monkeypatch.setattr(pipeline, "convert", convert_or_die)  # workers are forked: they see it too
    write(export / "已采用" / "0-killer.eml", message(STORY + "KILLS-THE-WORKER", subject="致命稿件"))
    for number in range(1, 40):
        write(
            export / "已采用" / f"{number:02d}.eml",
            message(f"{STORY}第{number}篇。", subject=f"稿件{number}"),
        )
    report = pipeline.run_import(settings, export, workers=2, progress=False)
    assert report.skipped == [("已采用", "已采用/0-killer.eml", pipeline.WORKER_DIED)]
    assert report.imported.total == 39  # the messages in flight with it were converted again
