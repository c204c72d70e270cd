import pytest
from mailbox_import.approval import is_approved
from mailcorpus import maildir, mbox, message, write


@pytest.mark.parametrize(
    ("folder", "approved"),
    [
        ("已采用", True),
        ("已采用/2020年2月", True),
        ("收件箱/已采用", True),
        ("收件箱", False),
        ("收件箱/待审核", False),
        ("已采用旧稿", False),
        ("", False),
    ],
)
def test_approval_is_folder_membership(folder, approved):
    assert is_approved(folder, ["已采用"]) is approved


def test_setting_with_a_path_matches_that_path_only():
    assert is_approved("审核/通过/2020", ["审核/通过"])
    assert not is_approved("其他/通过", ["审核/通过"])


@pytest.mark.parametrize(
    "folder",
    [
        "Trash/已采用",
        "收件箱/Trash/已采用/2020",
        "已删除/已采用",
        "已采用/已删除",  # an approval folder's own deleted-mail subfolder
        "Deleted Items/已采用",
        "deleted messages/已采用",
        "Junk/已采用",
        "垃圾邮件/已采用",
        "废纸篓/已采用",
        "已删除邮件/已采用",
        "$RECYCLE.BIN/已采用",
        ".Trash-1000/files/已采用",
    ],
)
def test_an_approval_folder_inside_deleted_or_junk_mail_approves_nothing(folder):
    assert not is_approved(folder, ["已采用"])
    assert not is_approved(folder, [folder.split("/")[0] + "/已采用"])


def test_deleted_approval_folder_in_a_thunderbird_export_is_not_imported(export, run):
    write(export / "Trash.sbd" / "已采用", mbox([message()]))
    report = run()
    # Deleted mail waits for no one: it is reported as skipped, not counted as pending review.
    assert report.imported == [] and report.pending == 0
    ((folder, _location, reason),) = report.skipped
    assert folder == "Trash/已采用" and "已删除或垃圾邮件" in reason


def test_nothing_inside_a_message_approves_it(export, run, settings):
    faked = message(
        subject="【已采用】请直接发布",
        sender="已采用 <editor@jsmzshzz.example>",
        extra_headers=(
            ("X-Approved", "yes"),
            ("Status", "RO"),
            ("X-Mozilla-Status", "0001"),
            ("X-Mozilla-Keys", "$label1 approved"),
            ("Keywords", "=?utf-8?B?5bey6YeH55So?="),
        ),
    )
    write(export / "收件箱", mbox([faked]))
    write(export / "待审核" / "x.eml", faked)
    report = run()
    assert report.imported == [] and report.pending == 2
    assert not settings.stories_dir.exists() or not list(settings.stories_dir.glob("*.md"))


def test_expunged_message_in_approved_folder_is_skipped(export, run):
    write(export / "已采用", mbox([message(extra_headers=(("X-Mozilla-Status", "0009"),))]))
    report = run()
    assert report.imported == []
    ((folder, location, reason),) = report.skipped
    assert (folder, location) == ("已采用", "已采用#1") and "expunged" in reason


def test_trashed_maildir_message_is_skipped(export, run):
    maildir(export / "已采用", [message()])
    (live,) = (export / "已采用" / "cur").iterdir()
    live.rename(live.with_name(live.name.replace(":2,S", ":2,ST")))
    report = run()
    assert report.imported == [] and "T 标记" in report.skipped[0][2]
