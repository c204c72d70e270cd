"""Output files written only when their bytes change, whole; files a build no longer makes removed."""

import errno
import os

import pytest
from siterules import files
from siterules.files import files_under, link_or_copy, remove_files, write_if_changed


def test_an_unchanged_file_is_not_touched_and_a_changed_one_replaced_whole(tmp_path):
    target = tmp_path / "feeds" / "all.atom.xml"
    assert write_if_changed(target, "稿件")
    assert target.read_bytes() == "稿件".encode()
    before = target.stat()
    os.utime(target, (1, 1))
    assert not write_if_changed(target, "稿件".encode())
    assert target.stat().st_mtime == 1 and target.stat().st_ino == before.st_ino
    assert write_if_changed(target, "新稿件")
    assert target.read_text(encoding="utf-8") == "新稿件"
    assert target.stat().st_ino != before.st_ino, "renamed over the old file, never rewritten in place"
    assert sorted(path.name for path in target.parent.iterdir()) == ["all.atom.xml"]


def test_removed_files_take_their_emptied_folders_with_them(tmp_path):
    for name in ("wechat/a/cover.jpg", "wechat/b/cover.jpg", "feeds/tag/x.rss.xml", "index.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    removed = remove_files(tmp_path, ["wechat/a/cover.jpg", "feeds/tag/x.rss.xml", "feeds/gone.xml"])
    assert removed == ["feeds/tag/x.rss.xml", "wechat/a/cover.jpg"]
    remaining = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*"))
    assert remaining == ["index.html", "wechat", "wechat/b", "wechat/b/cover.jpg"]


def test_a_stored_file_is_linked_into_the_output_and_one_already_there_left_alone(tmp_path):
    stored = tmp_path / "store" / "ab" / "abc.webp"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"webp bytes")
    target = tmp_path / "output" / "photos" / "ab" / "abc.webp"
    link_or_copy(stored, target)
    assert target.read_bytes() == b"webp bytes" and os.path.samefile(stored, target)
    assert not [path for path in target.parent.iterdir() if path.name.startswith(".")]
    other = tmp_path / "other.webp"
    other.write_bytes(b"other")
    link_or_copy(other, target)
    assert target.read_bytes() == b"webp bytes"


def test_across_file_systems_the_stored_file_is_copied(tmp_path, monkeypatch: pytest.MonkeyPatch):
    def cross_device(source, target):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(files.os, "link", cross_device)
    stored = tmp_path / "abc.webp"
    stored.write_bytes(b"webp bytes")
    target = tmp_path / "output" / "abc.webp"
    link_or_copy(stored, target)
    assert target.read_bytes() == b"webp bytes" and not os.path.samefile(stored, target)


def test_files_under_lists_every_file_by_its_relative_path(tmp_path):
    names = {"photos/ab/one.webp", "photos/ab/two.jpg", "photos/cd/three.webp", "top.json"}
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    (tmp_path / "empty").mkdir()
    assert files_under(tmp_path) == names
    assert files_under(tmp_path / "photos") == {"ab/one.webp", "ab/two.jpg", "cd/three.webp"}
    assert files_under(tmp_path / "missing") == set()
