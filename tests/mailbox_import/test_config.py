from pathlib import Path

import pytest
from mailbox_import.approval import is_approved
from mailbox_import.config import DEFAULTS, settings_from


def settings_with(tmp_path: Path, approved: object):
    (tmp_path / "content").mkdir(exist_ok=True)
    return settings_from({"MAILBOX_APPROVED_FOLDERS": approved}, tmp_path, tmp_path / "content")


@pytest.mark.parametrize(
    "approved",
    [
        "收件箱/已采用",  # a string would become a tuple of characters, approving almost everything
        "已采用",
        b"yes",
        None,
        ["已采用", 3],
        ["已采用", ""],
        ["/"],
        [" "],
        ["收件箱//已采用"],
        {"已采用": True},
    ],
)
def test_approval_setting_that_is_not_a_list_of_folder_names_stops_with_a_clear_error(tmp_path, approved):
    refused = r"^错误：设置文件 .*pelicanconf\.py：MAILBOX_APPROVED_FOLDERS 应写成"
    with pytest.raises(SystemExit, match=refused):
        settings_with(tmp_path, approved)


@pytest.mark.parametrize("approved", [["Trash/已采用"], ["已采用", "已删除"]])
def test_approval_setting_naming_deleted_or_junk_mail_stops_with_a_clear_error(tmp_path, approved):
    refused = r"pelicanconf\.py：MAILBOX_APPROVED_FOLDERS 中的 .* 是已删除/垃圾邮件"
    with pytest.raises(SystemExit, match=refused):
        settings_with(tmp_path, approved)


def test_approval_setting_as_list_or_tuple_of_names_is_kept(tmp_path):
    assert settings_with(tmp_path, ["已采用", "收件箱/通过"]).approved_folders == ("已采用", "收件箱/通过")
    assert settings_with(tmp_path, ("已采用",)).approved_folders == ("已采用",)


def test_the_default_approval_folder_is_defined_once_and_used(tmp_path):
    (tmp_path / "content").mkdir()
    defaults = settings_from({}, tmp_path, tmp_path / "content")
    assert defaults.approved_folders == tuple(DEFAULTS["MAILBOX_APPROVED_FOLDERS"]) == ("已采用",)
    with pytest.raises(TypeError):
        is_approved("已采用")  # type: ignore[call-arg]  # no second, hidden default in approval.py
