import os
import re
import types
from pathlib import Path

import pytest
from mailbox_import import export as export_module
from mailbox_import.export import is_expunged, iter_export
from mailcorpus import maildir, mbox, message, write


def test_eml_directories_maildirs_and_mbox_files_nest_by_path(export):
    write(export / "已采用" / "a.eml", message())
    write(export / "已采用" / "2020年2月" / "b.eml", message())
    maildir(export / "归档" / "已采用", [message(), message(subject="second")])
    write(export / "归档" / "已采用" / "tmp" / "in-delivery", message())  # tmp: never finished mail
    write(export / "收件箱", mbox([message(), message()]))
    write(export / "收件箱.sbd" / "已采用", mbox([message()]))
    write(export / "收件箱.sbd" / "待审核.mbox", mbox([message()]))
    write(export / "收件箱.msf", b"// Thunderbird index, not mail")
    folders = [(entry.folder, entry.location) for entry in iter_export(export)]
    assert folders == [
        ("已采用/2020年2月", "已采用/2020年2月/b.eml"),
        ("已采用", "已采用/a.eml"),
        ("归档/已采用", "归档/已采用/cur/1582000000.M0P1.test:2,S"),
        ("归档/已采用", "归档/已采用/cur/1582000001.M1P1.test:2,S"),
        ("收件箱", "收件箱#1"),
        ("收件箱", "收件箱#2"),
        ("收件箱/已采用", "收件箱.sbd/已采用#1"),
        ("收件箱/待审核", "收件箱.sbd/待审核.mbox#1"),
    ]


def test_mbox_split_keeps_each_message_whole_and_unescapes_from_lines(export):
    first = message("第一封\nFrom the first day we helped.\n")
    second = message("第二封")
    write(export / "Inbox", mbox([first, second]))
    entries = list(iter_export(export))
    assert len(entries) == 2
    assert entries[0].data == first.replace(b"\r\n", b"\n").rstrip(b"\n") + b"\n"
    assert b"\nFrom the first day" in entries[0].data  # ">From" escaping undone
    assert entries[1].data.endswith("第二封\n".encode())


def test_export_is_streamed_not_loaded(export):
    write(export / "Inbox", mbox([message() for _ in range(3)]))
    entries = iter_export(export)
    assert isinstance(entries, types.GeneratorType)
    first = next(entries)
    (export / "Inbox").write_bytes(b"")  # had everything been read up front, this would not matter
    assert first.location == "Inbox#1"


def test_file_without_from_line_is_reported_not_dropped(export):
    write(export / "notes", b"just some text\n")
    (entry,) = iter_export(export)
    assert entry.problem and "mbox" in entry.problem and entry.location == "notes"


def test_missing_export_says_what_to_set(tmp_path):
    with pytest.raises(FileNotFoundError, match="MAILBOX_EXPORT"):
        list(iter_export(tmp_path / "nope"))


@pytest.mark.parametrize(
    ("status", "expunged"), [("0009", True), ("0008", True), ("0001", False), ("0000", False)]
)
def test_thunderbird_expunged_flag(status, expunged):
    assert is_expunged(message(extra_headers=(("X-Mozilla-Status", status),))) is expunged


def test_expunged_flag_only_counts_in_the_headers():
    assert not is_expunged(message("X-Mozilla-Status: 0009\n"))


def every_file(root):
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if not path.is_dir()}


def accounted_for(root, entries):
    """Files of the export each entry stands for (an mbox's messages all stand for the mbox file)."""
    return {entry.location.partition("#")[0] for entry in entries}


def story(number: int) -> bytes:
    """A message whose text differs from every other number's (the same text would import once)."""
    return message(f"第{number}篇：某协会组织志愿者开展社区防疫宣传，服务居民{number}百余人次。")


def test_maildir_plus_plus_subfolders_are_folders_under_their_maildir(export, run):
    maildir(export / "Mail", [story(1)])
    maildir(export / "Mail" / ".已采用", [story(2)])
    maildir(export / "Mail" / ".已采用.2020年2月", [story(3)])
    maildir(export / "Mail" / ".&XfKRx3Uo-", [story(4)])  # Dovecot's IMAP UTF-7 for 已采用
    for control in (
        "dovecot-uidlist",
        "dovecot.index.log",
        "subscriptions",
        ".已采用/maildirfolder",
        ".已采用/courierimapkeywords/:list",
    ):
        write(export / "Mail" / control, b"control file, not mail\n")
    entries = list(iter_export(export))
    assert sorted({(entry.folder, entry.problem) for entry in entries}) == [
        ("Mail", ""),
        ("Mail/已采用", ""),
        ("Mail/已采用/2020年2月", ""),
    ]
    assert len(entries) == 4
    report = run()
    assert len(report.imported) == 3 and report.pending == 1 and report.skipped == []


@pytest.mark.parametrize("name", ["已采用.sbd/2020.02", "已采用/二月 v1.2", "收件箱.sbd/已采用.sbd/2月.备份"])
def test_mbox_whose_name_has_a_dot_is_read_by_its_content(export, run, name):
    write(export / name, mbox([story(1), story(2)]))
    entries = list(iter_export(export))
    assert [entry.location for entry in entries] == [f"{name}#1", f"{name}#2"]
    assert all(entry.problem == "" and entry.data for entry in entries)
    assert len(run().imported) == 2


def test_every_file_is_read_ignored_as_known_or_reported(export):
    write(export / "SAMPLE.txt", b"made-up mail\n")
    write(export / "收件箱", mbox([message()]))
    write(export / "收件箱.msf", b"// Thunderbird index")
    write(export / ".DS_Store", b"\0\0\0\1Bud1")
    write(export / "已采用" / "Thumbs.db", b"\xd0\xcf\x11\xe0")
    write(export / "已采用" / "a.eml", message())
    write(export / "已采用" / "outlook.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    write(export / "已采用" / "saved.eml.txt", message())
    write(export / "已采用" / "稿件.docx", b"PK\3\4")
    write(export / "已采用" / ".hidden.eml", message())
    write(export / "已采用" / "SAMPLE.txt", b"not at the root: not the marker")
    maildir(export / "归档", [message()])
    write(export / "归档" / "tmp" / "1582.M9P1.test", message())  # a delivery in progress
    entries = list(iter_export(export))
    ignorable = {"SAMPLE.txt", "收件箱.msf", ".DS_Store", "已采用/Thumbs.db", "归档/tmp/1582.M9P1.test"}
    assert accounted_for(export, entries) == every_file(export) - ignorable
    problems = {entry.location: entry.problem for entry in entries if entry.problem}
    reported = ("outlook.msg", "saved.eml.txt", "稿件.docx", "SAMPLE.txt")
    assert set(problems) == {f"已采用/{name}" for name in reported}
    assert ".eml" in problems["已采用/saved.eml.txt"] and "Outlook" in problems["已采用/outlook.msg"]
    assert all(re.search(r"[\u4e00-\u9fff]", reason) for reason in problems.values())  # editors read Chinese
    assert all(entry.data == b"" for entry in entries if entry.problem)


def test_problems_are_reported_as_skipped_with_folder_and_file(export, run):
    write(export / "已采用" / "outlook.msg", b"\xd0\xcf\x11\xe0")
    report = run()
    ((folder, location, reason),) = report.skipped
    assert (folder, location) == ("已采用", "已采用/outlook.msg") and "Outlook" in reason


def test_symlinks_are_never_followed_but_reported(export, tmp_path, run):
    secret = write(tmp_path / "outside" / "passwd", b"root:x:0:0:root:/root:/bin/bash\n")
    write(export / "待审核" / "p.eml", message(subject="未审核的稿件"))
    (export / "已采用").symlink_to(export / "待审核", target_is_directory=True)  # would approve pending mail
    write(export / "收件箱" / "a.eml", message())
    (export / "收件箱" / "loop").symlink_to(export, target_is_directory=True)
    (export / "收件箱" / "x.eml").symlink_to(secret)
    (export / "收件箱" / "dangling.eml").symlink_to(tmp_path / "nowhere.eml")
    entries = list(iter_export(export))
    problems = {entry.location: entry for entry in entries if entry.problem}
    assert set(problems) == {"已采用", "收件箱/loop", "收件箱/x.eml", "收件箱/dangling.eml"}
    assert all("链接" in entry.problem and entry.data == b"" for entry in problems.values())
    assert b"root:" not in b"".join(entry.data for entry in entries)
    report = run()
    assert report.imported == [] and report.pending == 2 and len(report.skipped) == 4


def test_special_files_are_reported_not_read(export):
    (export / "已采用").mkdir()
    os.mkfifo(export / "已采用" / "pipe.eml")  # reading it would wait forever
    (entry,) = iter_export(export)
    assert entry.location == "已采用/pipe.eml" and entry.problem and entry.data == b""


def test_unreadable_folder_is_reported_and_the_rest_imports(export, run, monkeypatch):
    write(export / "已采用" / "a.eml", message())
    write(export / "锁定" / "b.eml", message())
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "锁定":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    entries = list(iter_export(export))
    assert [(entry.location, bool(entry.problem)) for entry in entries] == [
        ("已采用/a.eml", False),
        ("锁定", True),
    ]
    assert "文件夹" in entries[1].problem
    report = run()
    assert len(report.imported) == 1 and report.skipped[0][:2] == ("锁定", "锁定")


def test_mbox_read_error_midway_reports_what_was_not_read(export, monkeypatch):
    write(export / "已采用", mbox([message(), message(subject="第二篇")]))
    real_open = export_module._open_no_follow

    class Failing:  # a disk that fails part-way through the file
        def __init__(self, file):
            self.file = file

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def readline(self):
            return self.file.readline()

        def __iter__(self):
            yield self.file.readline()
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(export_module, "_open_no_follow", lambda path: Failing(real_open(path)))
    entries = list(iter_export(export))
    assert entries[-1].problem and entries[-1].location == "已采用"
    assert "#1" in entries[-1].problem


def unescaped_mbox(messages: list[bytes], envelope: bytes = b"From - Tue Feb 18 10:30:00 2020") -> bytes:
    """An mboxo file as some tools write it: body lines starting "From " are not escaped."""
    texts = (data.replace(b"\r\n", b"\n").rstrip(b"\n") for data in messages)
    return b"".join(envelope + b"\n" + text + b"\n\n" for text in texts)


def test_unescaped_from_paragraph_in_a_body_does_not_split_the_message(export, run, settings):
    body = (
        "本会组织志愿者开展防疫物资保障工作。\n\n"
        "From the start of the outbreak, volunteers worked day and night.\n\n"
        "From a@b Tue Feb 18 10:30:00 2020 is how a mail archive marks a message.\n\n"
        "以下是第二部分正文，记录了捐赠物资的详细情况。"
    )
    write(export / "已采用", unescaped_mbox([message(body), story(2)]))
    entries = list(iter_export(export))
    assert [entry.location for entry in entries] == ["已采用#1", "已采用#2"]
    assert "以下是第二部分正文".encode() in entries[0].data
    assert b"\nFrom a@b Tue Feb 18 10:30:00 2020 is how" in entries[0].data
    (name, _), _ = run().imported
    text = (settings.stories_dir / name).read_text(encoding="utf-8")
    assert "From the start of the outbreak" in text and "以下是第二部分正文" in text


@pytest.mark.parametrize(
    "envelope",
    [
        b"From - Tue Feb 18 10:30:00 2020",  # Thunderbird
        b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
        b"From jsxh@example.com Tue Feb 18 10:30:00 +0800 2020",
        b"From jsxh@example.com Tue Feb 18 10:30 CST 2020",
        b"From jsxh@example.com Tue, 18 Feb 2020 10:30:00 +0800",
        b"From jsxh@example.com  Tue Feb 18 10:30:00 2020\r",
    ],
)
def test_real_envelope_lines_split_the_mbox(export, envelope):
    write(export / "已采用", unescaped_mbox([message(), message(subject="第二篇")], envelope))
    assert [entry.location for entry in iter_export(export)] == ["已采用#1", "已采用#2"]


def test_apple_mail_mailboxes_are_read_as_their_folders(export):
    write(export / "已采用.mbox" / "mbox", mbox([message(), message(subject="second")]))
    write(export / "已采用.mbox" / "Info.plist", b"<?xml version='1.0'?><plist/>")
    write(export / "已采用.mbox" / "table_of_contents", b"\x00\x01binary index")
    write(export / "收件箱.mbox" / "2020年2月.mbox" / "mbox", mbox([message()]))
    folders = [(entry.folder, entry.location, entry.problem) for entry in iter_export(export)]
    assert folders == [
        ("已采用", "已采用.mbox/mbox#1", ""),
        ("已采用", "已采用.mbox/mbox#2", ""),
        ("收件箱/2020年2月", "收件箱.mbox/2020年2月.mbox/mbox#1", ""),
    ]
