import os
import subprocess
import sys
from pathlib import Path

from mailcorpus import mbox, message, write

ROOT = Path(__file__).resolve().parents[2]


def cli(tmp_path: Path, export: Path, *args: str) -> subprocess.CompletedProcess:
    if not (tmp_path / "conf.py").exists():
        (tmp_path / "conf.py").write_text('PATH = "content"\n', encoding="utf-8")
    (tmp_path / "content").mkdir(exist_ok=True)
    tools_path = os.pathsep.join([str(ROOT / "tools"), str(ROOT / "plugins")])
    env = {**os.environ, "MAILBOX_EXPORT": str(export), "PYTHONPATH": tools_path}
    command = [sys.executable, "-m", "mailbox_import", *args, "--settings", str(tmp_path / "conf.py")]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def tree(path: Path) -> dict:
    return {p: p.read_bytes() for p in path.rglob("*") if p.is_file()}


def test_review_lists_pending_mail_and_writes_nothing(tmp_path):
    export = tmp_path / "export"
    write(export / "收件箱", mbox([message(subject="待审核的稿件", sender="某协会 <a@example.com>")]))
    write(export / "已采用" / "a.eml", message(subject="已采用的稿件"))
    before = tree(tmp_path)
    result = cli(tmp_path, export, "review")
    assert result.returncode == 0, result.stderr
    assert "待审核的稿件" in result.stdout and "已采用的稿件" not in result.stdout
    assert "某协会 <a@example.com>" in result.stdout and "2020" in result.stdout
    assert "Pending review: 1" in result.stdout
    import hashlib

    raw = (export / "收件箱").read_bytes().split(b"\n", 1)[1].rstrip(b"\n") + b"\n"
    assert hashlib.sha256(raw).hexdigest() in result.stdout
    assert tree(tmp_path) == {**before, tmp_path / "conf.py": (tmp_path / "conf.py").read_bytes()}


def test_import_prints_the_summary_and_reads_the_export_from_the_environment(tmp_path):
    export = tmp_path / "export"
    write(export / "已采用" / "a.eml", message())
    write(export / "已采用" / "bad.eml", b"")
    result = cli(tmp_path, export, "import")
    assert result.returncode == 0, result.stderr
    assert "imported:            1" in result.stdout and "bad.eml: 邮件是空的" in result.stdout
    assert len(list((tmp_path / "content" / "submissions").glob("*.md"))) == 1


def test_missing_export_is_a_clear_error(tmp_path):
    result = cli(tmp_path, tmp_path / "missing", "import")
    assert result.returncode == 2 and "MAILBOX_EXPORT" in result.stderr


def test_settings_come_from_pelicanconf(tmp_path):
    export = tmp_path / "export"
    write(export / "采用稿" / "a.eml", message(subject="编辑改名后的采用文件夹"))
    write(export / "已采用" / "b.eml", message(subject="默认文件夹此时不算采用"))
    conf = (
        'PATH = "content"\nMAILBOX_APPROVED_FOLDERS = ["采用稿"]\n'
        'MAILBOX_CONTENT_DIR = "content/投稿"\nMAILBOX_IMAGES_DIR = "content/images/投稿"\n'
    )
    (tmp_path / "conf.py").write_text(conf, encoding="utf-8")
    result = cli(tmp_path, export, "import")
    assert result.returncode == 0, result.stderr
    (story,) = (tmp_path / "content" / "投稿").glob("*.md")
    assert "编辑改名后的采用文件夹" in story.read_text(encoding="utf-8")
    assert "pending review:      1" in result.stdout


def test_a_truncated_manifest_is_one_clear_line_not_a_traceback(tmp_path):
    export = tmp_path / "export"
    write(export / "已采用" / "a.eml", message())
    assert cli(tmp_path, export, "import").returncode == 0
    manifest = tmp_path / "content" / "submissions" / ".mailbox-import.json"
    manifest.write_bytes(manifest.read_bytes()[:40])
    result = cli(tmp_path, export, "import")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("错误：导入记录") and "git checkout --" in result.stderr
    assert not (tmp_path / "content" / "submissions" / ".mailbox-import.lock").exists()


def test_review_also_lists_what_import_skips_and_why_and_what_waits(tmp_path):
    export = tmp_path / "export"
    write(export / "已采用" / "good.eml", message(subject="好稿件"))
    write(export / "已采用" / "empty.eml", message("", subject="空稿件"))
    write(export / "已采用" / "old.msg", b"\xd0\xcf\x11\xe0 Outlook")
    write(export / "已删除" / "x.eml", message(subject="删掉的"))
    write(tmp_path / "inbox" / "旧稿.doc", b"\xd0\xcf\x11\xe0 Word")
    before = tree(tmp_path)
    review = cli(tmp_path, export, "review")
    assert review.returncode == 0, review.stderr
    assert tree(tmp_path) == {**before, tmp_path / "conf.py": (tmp_path / "conf.py").read_bytes()}
    skipped = review.stdout.split("Skipped by import: ")[1]
    assert skipped.startswith("4")
    for line in ("已采用 / 已采用/empty.eml: 邮件里没有稿件正文", "已采用 / 已采用/old.msg: Outlook 的 .msg",
                 "已删除 / 已删除/x.eml: 位于已删除", "inbox / 旧稿.doc: 旧版 Word"):  # fmt: skip
        assert line in skipped, review.stdout
    assert "Approved, not yet imported: 1" in review.stdout

    imported = cli(tmp_path, export, "import")
    assert "跳过 skipped:               4" in imported.stdout
    again = cli(tmp_path, export, "review")
    assert "Skipped by import: 4" in again.stdout and "Approved, not yet imported: 0" in again.stdout
