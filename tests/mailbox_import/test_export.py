import types

import pytest
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
