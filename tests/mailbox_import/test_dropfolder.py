"""The drop folder inbox/: files from the work groups become stories through the mail pipeline."""

import os
import time
from dataclasses import replace

from mailbox_import.pipeline import run_import
from mailcorpus import docx, jpeg_with_gps, message, write

STORY = "南京市测试志愿者协会组织志愿者走进社区，开展防疫宣传，服务居民三百余人次。联系人电话13800138000。"


def stories(settings) -> dict[str, str]:
    return {path.name: path.read_text() for path in settings.stories_dir.glob("*.md")}


def test_dropped_files_become_stories_once_and_the_report_says_which(settings, export):
    inbox = settings.inbox_dir
    write(
        inbox / "协会稿件(1).docx",
        docx(["志愿者走进社区开展防疫宣传", STORY, "供稿单位：南京市测试志愿者协会"]),
    )
    markdown_story = (
        "# 苏州市某商会捐赠防疫物资\n\n苏州市某商会向社区捐赠口罩一万只。\n\n![捐赠现场](现场.jpg)\n"
    )
    write(inbox / "群里" / "苏州稿.md", (markdown_story + "![](../../secret.jpg)\n").encode())
    write(inbox / "群里" / "现场.jpg", jpeg_with_gps())  # a picture beside it: read with it, not a story
    write(inbox.parent / "secret.jpg", jpeg_with_gps((0, 0, 255)))  # outside the drop folder: never read
    write(inbox / "无锡.txt", "无锡市某基金会资助困难学生五十名，发放助学金十万元。\n".encode("gbk"))
    write(inbox / "旧稿.doc", b"\xd0\xcf\x11\xe0 old Word")
    write(inbox / "~$协会稿件(1).docx", b"Word's lock file")
    os.utime(inbox / "无锡.txt", (time.time(), 1582000000))  # 2020-02-18 12:26 in China
    report = run_import(settings, export, workers=1, progress=False)

    assert report.imported.total == 3, report.render()
    by_file = dict(report.files)
    assert set(by_file) == {"inbox/协会稿件(1).docx", "inbox/群里/苏州稿.md", "inbox/无锡.txt"}
    written = stories(settings)
    docx_story = written[by_file["inbox/协会稿件(1).docx"]]
    assert docx_story.startswith("Title: 志愿者走进社区开展防疫宣传\n")
    assert "13800138000" not in docx_story and r"138\*\*\*\*8000" in docx_story
    assert "Org: 南京市测试志愿者协会" in docx_story and "Region: 南京市" in docx_story
    assert "Sample:" not in docx_story  # the bundled sample's marker never reaches dropped files
    body = docx_story.split("\n\n", 1)[1]
    assert "志愿者走进社区开展防疫宣传" not in body  # the heading became the title, not a repeat
    suzhou = written[by_file["inbox/群里/苏州稿.md"]]
    assert suzhou.startswith("Title: 苏州市某商会捐赠防疫物资\n")
    (picture,) = settings.images_dir.iterdir()  # the photo, without its GPS; not the file outside
    assert f"![捐赠现场]({{static}}/{settings.images_path}/{picture.name})" in suzhou, suzhou
    assert b"TestCam" not in picture.read_bytes()
    wuxi = written[by_file["inbox/无锡.txt"]]
    assert "Date: 2020-02-18 12:26" in wuxi and "Title: 无锡\n" in wuxi  # no heading: the file name
    assert ("inbox", "旧稿.doc") in [(folder, file) for folder, file, _ in report.skipped]
    assert report.skipped.total == 1
    rendered = report.render()
    assert "inbox/协会稿件(1).docx -> " + by_file["inbox/协会稿件(1).docx"] in rendered
    assert "标题取自文件名“无锡.txt”" in rendered

    # Dropped again, even under another name: the same story. A hand edit is never overwritten.
    write(inbox / "转发/协会稿件.docx", (inbox / "协会稿件(1).docx").read_bytes())
    edited = settings.stories_dir / by_file["inbox/协会稿件(1).docx"]
    edited.write_text(docx_story.replace("防疫宣传", "防疫知识宣传"))
    again = run_import(settings, export, workers=1, progress=False)
    assert again.imported.total == 0 and again.files.total == 0
    assert again.unchanged == 2  # the .md and the .txt
    assert [name for name, _why in again.left_alone] == [edited.name]  # both copies of the .docx
    assert "防疫知识宣传" in edited.read_text()
    assert len(stories(settings)) == 3


def test_a_conversion_that_runs_too_long_is_stopped_and_the_run_goes_on(settings, export, monkeypatch):
    from mailbox_import import pipeline

    real_convert = pipeline.convert

    def convert_or_hang(data, *args, **kwargs):
        if b"NEVER-ENDS" in data:
            time.sleep(600)  # a conversion stuck on a pathological attachment
        return real_convert(data, *args, **kwargs)

    monkeypatch.setattr(pipeline, "convert", convert_or_hang)  # workers are forked: they see it too
    write(export / "已采用" / "03-stuck.eml", message(STORY + "NEVER-ENDS", subject="卡住的稿件"))
    for number in range(6):
        write(
            export / "已采用" / f"{number:02d}.eml",
            message(f"{STORY}第{number}篇。", subject=f"稿件{number}"),
        )
    started = time.monotonic()
    report = run_import(replace(settings, convert_timeout=1.5), export, workers=2, progress=False)
    assert time.monotonic() - started < 60
    assert report.imported.total == 6, report.render()
    ((folder, file, reason),) = report.skipped
    assert (folder, file) == ("已采用", "已采用/03-stuck.eml")
    assert "转换超过 1.5 秒仍未完成" in reason and "MAILBOX_CONVERT_TIMEOUT" in reason
