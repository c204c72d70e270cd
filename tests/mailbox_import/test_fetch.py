"""`make fetch` against a real IMAP server: Debian's Dovecot, started here on a loopback port."""

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from imapserver import DOVECOT, Dovecot, ImapProxy, quoted
from mailbox_import.fetch import maildir_for
from mailcorpus import message

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "auth-code-123"
_users = itertools.count()

pytestmark = pytest.mark.skipif(not Path(DOVECOT).exists(), reason="Debian's dovecot-imapd is not installed")


@pytest.fixture(scope="module")
def dovecot():
    server = Dovecot.start([(f"editor{number}@163.com", PASSWORD) for number in range(20)])
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot):
    """A fresh account on the server: approved mail in 已采用 and a subfolder, pending mail elsewhere."""
    user = f"editor{next(_users)}@163.com"
    dovecot.deliver(
        user,
        PASSWORD,
        {
            "已采用": [
                (message(subject="已读的稿件"), r"(\Seen)"),
                (message("第二篇稿件的正文，介绍协会开展的助老服务。", subject="未读的稿件"), ""),
                (message("第三篇稿件的正文，标了星。", subject="标星的稿件"), r"(\Flagged \Seen)"),
            ],
            "已采用/2020年2月": [(message("二月的稿件正文。", subject="二月稿件"), "")],
            "已采用/空": [],  # an empty approval folder
            "INBOX": [(message(subject="待审核的来稿"), "")],
            "待定": [(message(subject="待定的来稿"), "")],
            "已删除/已采用": [(message(subject="删掉的"), "")],
        },
    )
    return user


def fetch(
    tmp_path: Path,
    user: str,
    port: int,
    *command: str,
    password: str = PASSWORD,
    wait: bool = True,
    **env: str,
):
    conf = tmp_path / "conf.py"
    if not conf.exists():
        tmp_path.mkdir(parents=True, exist_ok=True)
        conf.write_text('PATH = "content"\nMAILBOX_APPROVED_FOLDERS = ["已采用"]\n', encoding="utf-8")
        (tmp_path / "content").mkdir()
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "tools"), str(ROOT / "plugins")]),
        "MAILBOX_EXPORT": str(tmp_path / "mail"),
        "IMAP_HOST": "127.0.0.1",
        "IMAP_PORT": str(port),
        "IMAP_USER": user,
        "IMAP_SECURITY": "none",
        "IMAP_PASSWORD": password,
        **env,
    }
    args = [sys.executable, "-m", "mailbox_import", *(command or ["fetch"]), "--settings", str(conf)]
    if not wait:
        return subprocess.Popen(
            args, cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    return subprocess.run(args, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60)


def fetched(tmp_path: Path) -> dict[str, list[bytes]]:
    """The messages in the local Maildir, by folder, as the importer sees them."""
    from mailbox_import.export import iter_export

    found: dict[str, list[bytes]] = {}
    for entry in iter_export(tmp_path / "mail"):
        assert not entry.problem, entry
        found.setdefault(entry.folder, []).append(entry.data)
    return found


def subjects(messages: list[bytes]) -> set[str]:
    from mailbox_import.decode import decode_header_text

    subjects = set()
    for data in messages:
        header = next(line for line in data.split(b"\r\n") if line.startswith(b"Subject: "))
        subjects.add(decode_header_text(header.removeprefix(b"Subject: ").decode()))
    return subjects


def test_only_approved_mail_arrives_read_only_and_a_second_fetch_brings_nothing(tmp_path, dovecot, mailbox):
    before = dovecot.snapshot(mailbox, PASSWORD)
    first = fetch(tmp_path, mailbox, dovecot.port)
    assert first.returncode == 0, first.stderr
    assert PASSWORD not in first.stdout + first.stderr
    got = fetched(tmp_path)
    assert set(got) == {"已采用", "已采用/2020年2月"}
    assert subjects(got["已采用"]) == {"已读的稿件", "未读的稿件", "标星的稿件"}
    assert subjects(got["已采用/2020年2月"]) == {"二月稿件"}
    assert "新收 new:             4" in first.stdout and "已有 already had:     0" in first.stdout
    assert "已采用：新收 3，已有 0" in first.stdout and "已采用/2020年2月：新收 1，已有 0" in first.stdout
    assert "已采用/空：新收 0，已有 0" in first.stdout
    assert "待收 3 封" in first.stderr  # progress
    # The server's flags travel with the copies; the server's own mail is untouched, flags included.
    names = sorted(path.name for path in (maildir_for(tmp_path / "mail", "已采用") / "cur").iterdir())
    assert [name.rpartition(":2,")[2] for name in names] == ["S", "", "FS"]
    assert dovecot.snapshot(mailbox, PASSWORD) == before

    second = fetch(tmp_path, mailbox, dovecot.port)
    assert second.returncode == 0, second.stderr
    assert "新收 new:             0" in second.stdout and "已有 already had:     4" in second.stdout
    assert fetched(tmp_path) == got
    assert dovecot.snapshot(mailbox, PASSWORD) == before

    # New approved mail arrives on the next fetch, and only it.
    dovecot.deliver(mailbox, PASSWORD, {"已采用": [(message("又一篇。", subject="后来的稿件"), "")]})
    third = fetch(tmp_path, mailbox, dovecot.port)
    assert "新收 new:             1" in third.stdout
    assert subjects(fetched(tmp_path)["已采用"]) == {"已读的稿件", "未读的稿件", "标星的稿件", "后来的稿件"}

    # What `make import` then makes of it: the approved stories, nothing pending or skipped.
    imported = fetch(tmp_path, mailbox, dovecot.port, "import", "--workers", "1")
    assert "新导入 imported:            5" in imported.stdout, imported.stdout
    assert "跳过 skipped:               0" in imported.stdout


def test_a_cut_connection_loses_nothing_and_the_next_fetch_completes(tmp_path, dovecot, mailbox):
    big = message("长稿件。" * 30_000, subject="很长的稿件")  # ~360 KB: the cut falls inside it
    dovecot.deliver(mailbox, PASSWORD, {"已采用": [(big, "")]})
    before = dovecot.snapshot(mailbox, PASSWORD)
    proxy = ImapProxy(dovecot.port, cut_after=100_000)
    try:
        cut = fetch(tmp_path, mailbox, proxy.port)
    finally:
        proxy.close()
    assert cut.returncode == 1
    assert "连接中断" in cut.stdout and "再次运行 make fetch" in cut.stdout
    partial = fetched(tmp_path)
    assert sum(map(len, partial.values())) < 5
    assert all(data.endswith(b"\r\n") for messages in partial.values() for data in messages)
    assert not any((maildir_for(tmp_path / "mail", "已采用") / "tmp").iterdir())

    again = fetch(tmp_path, mailbox, dovecot.port)
    assert again.returncode == 0, again.stderr
    got = fetched(tmp_path)
    assert len(got["已采用"]) == 4 and len(got["已采用/2020年2月"]) == 1
    assert big.replace(b"\r\n", b"\n") in [data.replace(b"\r\n", b"\n") for data in got["已采用"]]
    assert dovecot.snapshot(mailbox, PASSWORD) == before


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_killed_fetch_loses_nothing_and_the_next_completes(tmp_path, dovecot, mailbox, stop):
    many = [(message(f"第 {number} 篇稿件。" * 2000, subject=f"稿件 {number}"), "") for number in range(40)]
    dovecot.deliver(mailbox, PASSWORD, {"已采用": many})
    running = fetch(tmp_path, mailbox, dovecot.port, wait=False)
    folder = maildir_for(tmp_path / "mail", "已采用") / "cur"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (folder.is_dir() and len(list(folder.iterdir())) >= 2):
        time.sleep(0.01)
    running.send_signal(stop)
    out, _ = running.communicate(timeout=30)
    if stop != signal.SIGKILL:
        assert running.returncode == 128 + stop, out
        assert "收信已中断" in out.decode()
    again = fetch(tmp_path, mailbox, dovecot.port)
    assert again.returncode == 0, again.stderr
    got = fetched(tmp_path)
    assert len(got["已采用"]) == 43 and len(set(got["已采用"])) == 43


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_ssl_and_starttls_check_the_certificate(tmp_path, dovecot, mailbox, security):
    port = dovecot.tls_port if security == "ssl" else dovecot.port
    trusted = fetch(tmp_path, mailbox, port, IMAP_SECURITY=security, SSL_CERT_FILE=str(dovecot.certificate))
    assert trusted.returncode == 0, trusted.stderr
    assert "新收 new:             4" in trusted.stdout
    untrusted = fetch(tmp_path / "other", mailbox, port, IMAP_SECURITY=security, SSL_CERT_FILE="/dev/null")
    assert (
        untrusted.returncode == 2
        and "连不上邮件服务器" in untrusted.stderr
        and "CERTIFICATE" in untrusted.stderr
    )


def test_a_renumbered_folder_is_fetched_again_and_imports_no_story_twice(tmp_path, dovecot, mailbox):
    first = fetch(tmp_path, mailbox, dovecot.port)
    assert "新收 new:             4" in first.stdout
    imported = fetch(tmp_path, mailbox, dovecot.port, "import", "--workers", "1")
    assert "新导入 imported:            4" in imported.stdout, imported.stdout
    # The folder deleted and made again with the same mail: the server gives it a new UIDVALIDITY.
    messages = [(data, "") for data in fetched(tmp_path)["已采用/2020年2月"]]
    connection = dovecot.login(mailbox, PASSWORD)
    assert connection.delete(quoted("已采用/2020年2月"))[0] == "OK"
    connection.logout()
    dovecot.deliver(mailbox, PASSWORD, {"已采用/2020年2月": messages})
    again = fetch(tmp_path, mailbox, dovecot.port)
    assert again.returncode == 0, again.stderr
    assert "已采用/2020年2月：新收 1，已有 0" in again.stdout and "UIDVALIDITY" in again.stdout
    reimported = fetch(tmp_path, mailbox, dovecot.port, "import", "--workers", "1")
    assert "新导入 imported:            0" in reimported.stdout, reimported.stdout


def test_mail_taken_out_of_approval_on_the_server_is_not_imported(tmp_path, dovecot, mailbox):
    assert fetch(tmp_path, mailbox, dovecot.port).returncode == 0
    # The editor moves a message back out of 已采用 before the import has run.
    connection = dovecot.login(mailbox, PASSWORD)
    connection.select(quoted("已采用"))
    starred = "3"  # the third message the fixture delivered to 已采用
    assert connection.copy(starred, quoted("待定"))[0] == "OK"
    connection.store(starred, "+FLAGS", r"(\Deleted)")
    connection.expunge()
    connection.logout()
    again = fetch(tmp_path, mailbox, dovecot.port)
    assert again.returncode == 0, again.stderr
    assert "已采用：新收 0，已有 2" in again.stdout and "撤回 1 封" in again.stdout
    imported = fetch(tmp_path, mailbox, dovecot.port, "import", "--workers", "1")
    assert "新导入 imported:            3" in imported.stdout, imported.stdout
    stories = "".join(path.read_text(encoding="utf-8") for path in (tmp_path / "content").rglob("*.md"))
    assert "标星的稿件" not in stories and "未读的稿件" in stories


def test_a_server_that_demands_id_before_examine_still_works(tmp_path, dovecot, mailbox):
    proxy = ImapProxy(dovecot.port, require_id=True)
    try:
        before = fetch(tmp_path, mailbox, proxy.port, "review")
        result = fetch(tmp_path, mailbox, proxy.port)
        review = fetch(tmp_path, mailbox, proxy.port, "review")
    finally:
        proxy.close()
    assert result.returncode == 0, result.stdout + result.stderr
    assert proxy.ids_seen == 3 and proxy.refused == 0
    assert "Approved on the server, not fetched yet: 4\n  已采用：3 封（运行 make fetch）" in before.stdout
    assert "新收 new:             4" in result.stdout
    # `make review` lists the server's inbox too, headers only.
    assert review.returncode == 0, review.stderr
    assert "服务器收件箱" in review.stdout and "待审核的来稿" in review.stdout
    server = review.stdout.split("服务器收件箱")[1]
    assert "已读的稿件" not in server
    assert "Approved on the server, not fetched yet: 0" in server


def test_a_wrong_password_is_one_clear_line(tmp_path, dovecot, mailbox):
    result = fetch(tmp_path, mailbox, dovecot.port, password="wrong-code")
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "IMAP_PASSWORD" in line and "IMAP_PASSWORD_FILE" in line and "wrong-code" not in line
    assert not (tmp_path / "mail" / ".&XfJT0ZAB-").exists()


def test_the_password_file_must_lie_outside_the_project_and_the_sample_is_never_written(
    tmp_path, dovecot, mailbox
):
    inside = tmp_path / "password.txt"
    inside.write_text(PASSWORD)
    result = fetch(tmp_path, mailbox, dovecot.port, password="", IMAP_PASSWORD_FILE=str(inside))
    assert result.returncode == 2 and "项目文件夹" in result.stderr and PASSWORD not in result.stderr
    outside = tmp_path.parent / f"{tmp_path.name}-password"
    outside.write_text(PASSWORD + "\n")
    try:
        project = tmp_path / "project"
        project.mkdir()
        ok = fetch(project, mailbox, dovecot.port, password="", IMAP_PASSWORD_FILE=str(outside))
        assert ok.returncode == 0, ok.stderr
    finally:
        outside.unlink()
    sample = ROOT / "tools" / "mailbox_import" / "sample_export"
    refused = fetch(tmp_path, mailbox, dovecot.port, MAILBOX_EXPORT=str(sample))
    assert refused.returncode == 2 and "示例" in refused.stderr
