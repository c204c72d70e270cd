"""`make upload` to an rsync target (a local folder here; [user@]host:path goes the same way over SSH)."""

import os
import subprocess

import pytest
from debian_packages import needs
from published_site import CHANGED_PAGE, tree
from sitebuild import REPO
from upload import UploadError, upload
from upload.files import Kind, kind_of

pytestmark = needs("rsync")


def quiet(line: str) -> None:
    pass


def test_first_upload_sends_everything_assets_then_pages_then_feeds(published, tmp_path):
    v1, _ = published
    target = tmp_path / "www"
    order = []
    summary = upload(v1, str(target), report=quiet, on_uploaded=order.append)
    assert tree(target) == tree(v1)
    assert summary.uploaded == len(tree(v1)) and summary.unchanged == 0 and summary.deleted == 0
    assert summary.bytes == sum(len(data) for data in tree(v1).values())
    kinds = [kind_of(name) for name in order]
    assert kinds == sorted(kinds) and set(kinds) == set(Kind)
    assert (target / "index.html").stat().st_mode & 0o777 == 0o644, "the web server can read every file"


def test_second_upload_sends_nothing_and_keeps_each_files_time(published, tmp_path):
    v1, _ = published
    target = tmp_path / "www"
    upload(v1, str(target), report=quiet)
    times = {path: path.stat().st_mtime_ns for path in target.rglob("*")}
    (v1 / "index.html").touch()  # a rebuild rewrites files with the same bytes
    lines = []
    summary = upload(v1, str(target), report=lines.append)
    assert (summary.uploaded, summary.deleted, summary.bytes) == (0, 0, 0)
    assert summary.unchanged == len(tree(v1))
    # The server's ETag and Last-Modified come from the file's time: readers keep their 304s.
    assert times == {path: path.stat().st_mtime_ns for path in target.rglob("*")}
    assert lines == ["assets: 0 sent", "pages: 0 sent", "feeds: 0 sent", "deletions: 0"]


def test_one_story_changed_uploads_only_the_changed_files_and_deletes_the_obsolete_last(published, tmp_path):
    v1, v2 = published
    target = tmp_path / "www"
    upload(v1, str(target), report=quiet)
    before, after = tree(v1), tree(v2)
    changed = {name for name, data in after.items() if before.get(name) != data}
    obsolete = set(before) - set(after)
    assert CHANGED_PAGE in changed and obsolete, "the page changed; the old recent search segment is gone"
    still_there_while_uploading = []

    def uploaded(name: str) -> None:
        still_there_while_uploading.append(all((target / old).exists() for old in obsolete))

    summary = upload(v2, str(target), report=quiet, on_uploaded=uploaded)
    assert tree(target) == after
    assert summary.uploaded == len(changed) and summary.deleted == len(obsolete)
    assert summary.unchanged == len(after) - len(changed)
    assert len(changed) < len(after) / 4, f"a one-story change re-sent {len(changed)} of {len(after)} files"
    assert all(still_there_while_uploading), "deletions come after every upload"


def test_dry_run_lists_the_changes_and_changes_nothing(published, tmp_path):
    v1, v2 = published
    target = tmp_path / "www"
    upload(v1, str(target), report=quiet)
    lines = []
    summary = upload(v2, str(target), dry_run=True, report=lines.append)
    assert tree(target) == tree(v1)
    assert f"  upload {CHANGED_PAGE}" in lines
    assert summary.uploaded > 0 and summary.deleted > 0
    assert sum(line.startswith("  delete ") for line in lines) == summary.deleted


def test_an_interrupted_upload_completes_when_run_again(published, tmp_path):
    v1, _ = published
    target = tmp_path / "www"

    def stop_at_the_first_page(name: str) -> None:
        if kind_of(name) is Kind.PAGE:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        upload(v1, str(target), report=quiet, on_uploaded=stop_at_the_first_page)
    assert not (target / "feeds").exists(), "stopped before the feeds"
    summary = upload(v1, str(target), report=quiet)
    assert tree(target) == tree(v1)
    assert summary.uploaded == sum(kind_of(name) is Kind.FEED for name in tree(v1))


def test_dot_files_at_the_target_are_left_alone(published, tmp_path):
    v1, _ = published
    target = tmp_path / "www"
    challenge = target / ".well-known" / "acme-challenge" / "token"
    challenge.parent.mkdir(parents=True)
    challenge.write_text("certificate check")
    summary = upload(v1, str(target), report=quiet)
    assert challenge.exists() and summary.deleted == 0


def test_without_a_published_site_the_message_says_to_publish_first(tmp_path):
    with pytest.raises(UploadError, match="run make publish first"):
        upload(tmp_path / "public", str(tmp_path / "www"), report=quiet)


def run_make_upload(*arguments: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", "upload", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_make_upload_dry_run_takes_upload_to_from_the_environment(published, tmp_path):
    v1, _ = published
    target = tmp_path / "www"
    result = run_make_upload(f"PUBLISH_DIR={v1}", "DRY_RUN=1", UPLOAD_TO=str(target))
    assert result.returncode == 0, result.stderr
    assert f"{len(tree(v1))} would upload, 0 unchanged, 0 would delete" in result.stdout.splitlines()[-1]
    assert not target.exists()


def test_make_upload_without_a_published_site_or_a_target_says_what_to_do(tmp_path):
    missing = run_make_upload(f"PUBLISH_DIR={tmp_path / 'public'}", UPLOAD_TO=str(tmp_path / "www"))
    assert missing.returncode != 0
    # One line from us (then make's own "Error 2").
    assert missing.stderr.splitlines()[0] == (
        f"错误：{tmp_path / 'public'}/ 里还没有发布好的网站，请先运行 make publish。"
        f"{tmp_path / 'public'}/ holds no published site: run make publish first"
    )
    nowhere = run_make_upload(f"PUBLISH_DIR={tmp_path}", UPLOAD_TO="")
    assert nowhere.returncode != 0 and "UPLOAD_TO" in nowhere.stderr


def fake_ssh(folder, script: str) -> str:
    """An ssh stand-in for RSYNC_RSH: `ssh [options] host command…`."""
    path = folder / "ssh"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


def test_host_and_path_go_over_the_remote_shell(published, tmp_path, monkeypatch):
    v1, v2 = published
    # Runs the command rsync asks the "server" to run, here: the remote end of rsync.
    monkeypatch.setenv(
        "RSYNC_RSH", fake_ssh(tmp_path, 'while [ "${1#-}" != "$1" ]; do shift; done\nshift\nexec "$@"\n')
    )
    target = tmp_path / "www"
    sent = []
    first = upload(v1, f"localhost:{target}", report=quiet, on_uploaded=sent.append)
    assert tree(target) == tree(v1) and first.uploaded == len(sent) == len(tree(v1))
    again = upload(v2, f"localhost:{target}", report=quiet)
    assert tree(target) == tree(v2) and 0 < again.uploaded < len(tree(v2)) / 4 and again.deleted > 0


def test_a_refused_ssh_login_is_one_line_naming_upload_to(published, tmp_path, monkeypatch):
    v1, _ = published
    monkeypatch.setenv(
        "RSYNC_RSH", fake_ssh(tmp_path, 'echo "deploy@www: Permission denied (publickey)." >&2\nexit 255\n')
    )
    with pytest.raises(UploadError) as refused:
        upload(v1, "deploy@www.example.gov.cn:/srv/shzz/public", report=quiet)
    assert str(refused.value) == (
        "服务器拒绝了 UPLOAD_TO=deploy@www.example.gov.cn:/srv/shzz/public 的 SSH 登录："
        "请核对用户名、主机和 SSH 密钥。"
        "the server refused the SSH login for UPLOAD_TO=deploy@www.example.gov.cn:/srv/shzz/public: "
        "check the user, the host and the SSH key (try: ssh deploy@www.example.gov.cn)"
    )


def test_a_folder_holding_other_files_and_no_site_is_left_untouched(published, tmp_path):
    v1, _ = published
    target = tmp_path / "home"
    (target / "notes").mkdir(parents=True)
    (target / "notes" / "plan.txt").write_text("not the site")
    with pytest.raises(
        UploadError, match=r"holds no site \(no index.html\) but 1 file the site does not have"
    ):
        upload(v1, str(target), report=quiet)
    assert tree(target) == {"notes/plan.txt": b"not the site"}
