"""Imports stopped part-way by real signals, the way offices stop them (Ctrl-C, a closed session or a
timeout, kill -9), and two imports at once: the next run finishes the job, and content/ is then exactly
what one uninterrupted run writes, with nothing reported as skipped."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mailcorpus import jpeg_with_gps, message, multipart, part, text_part, write

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 600
STORY = "某市志愿者协会组织志愿者开展社区防疫宣传，累计服务居民三百余人次，发放宣传资料两千份。"
# The interrupted runs save their manifest as often as they can (normally every few seconds, longer
# than these whole runs), so that signals also land while it is written and between two saves.
FREQUENT_CHECKPOINTS = (
    "import sys; from mailbox_import import store; store.CHECKPOINT_SECONDS = 0; "
    "from mailbox_import.__main__ import main; sys.exit(main())"
)


def numbered_message(number: int) -> bytes:
    """Plain text mostly; every tenth an HTML story with an inline photo, every twentieth a resend of
    the story before it (another encoding), every thirtieth waiting for review."""
    text = f"第{number}号稿件：{STORY}"
    subject = f"【工作动态】稿件{number}"
    if number % 20 == 19:
        resent = number - 1
        return message(f"第{resent}号稿件：{STORY}", subject=f"【工作动态】稿件{resent}", encoding="base64")
    if number % 10 == 5:
        content_id = f"Content-ID: <p{number}@x>".encode()
        photo = part(jpeg_with_gps((number % 256, 80, 120)), "image/jpeg", headers=(content_id,))
        html = f"<p>{text}</p><p><img src='cid:p{number}@x' alt='活动现场'></p>"
        return multipart([text_part(html, "html"), photo], "related", subject=subject)
    return message(text, subject=subject)


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("interrupt") / "export"
    for number in range(MESSAGES):
        folder = "收件箱" if number % 30 == 29 else "已采用"
        write(root / folder / f"{number:04d}.eml", numbered_message(number))
    return root


def new_site(path: Path) -> Path:
    (path / "content").mkdir(parents=True)
    (path / "conf.py").write_text('PATH = "content"\n', encoding="utf-8")
    return path


def start_import(site: Path, export: Path, *python_args: str) -> subprocess.Popen:
    """`make import` as the Makefile runs it, in a session of its own (a terminal's Ctrl-C reaches every
    process of the command: the test sends SIGINT to this session's group the same way)."""
    tools_path = os.pathsep.join([str(ROOT / "tools"), str(ROOT / "plugins")])
    env = {**os.environ, "MAILBOX_EXPORT": str(export), "PYTHONPATH": tools_path}
    command = [sys.executable, *(python_args or ("-m", "mailbox_import")), "import", "--settings", "conf.py"]
    return subprocess.Popen(
        command,
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # As from a terminal: a command started in the background by a script (as `make test &` does)
        # inherits SIGINT ignored, and Python then never raises KeyboardInterrupt.
        preexec_fn=_default_ctrl_c,
    )


def _default_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def finish(process: subprocess.Popen) -> tuple[str, str]:
    # A timeout here also means a worker outlived the import: it holds the output pipes open.
    return process.communicate(timeout=120)


def run_import(site: Path, export: Path) -> tuple[int, str, str]:
    process = start_import(site, export)
    out, err = finish(process)
    return process.returncode, out, err


def content(site: Path) -> dict[str, bytes]:
    root = site / "content"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def count(report: str, label: str) -> int:
    return int(re.search(rf"{label}:\s+(\d+)", report)[1])


def stories_written(site: Path) -> int:
    folder = site / "content" / "submissions"
    return sum(name.endswith(".md") for name in os.listdir(folder)) if folder.is_dir() else 0


def wait_for_stories(process: subprocess.Popen, site: Path, stories: int) -> None:
    while stories_written(site) < stories:
        assert process.poll() is None, "the import ended before the interruption: make the export larger"
        time.sleep(0.005)


@pytest.fixture(scope="module")
def uninterrupted(export, tmp_path_factory) -> tuple[dict[str, bytes], str]:
    site = new_site(tmp_path_factory.mktemp("uninterrupted"))
    returncode, out, err = run_import(site, export)
    assert returncode == 0, err
    assert count(out, "skipped") == 0 and count(out, "imported") > 0.8 * MESSAGES
    return content(site), out


WAITING = "另一个导入正在进行（进程 {pid}），等它结束后接着运行……（按 Ctrl-C 放弃）"
# Where the signal lands: after the first stories, half-way, near the end (of the stories one run writes).
MOMENTS = {"early": 0.03, "middle": 0.5, "late": 0.85}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM", "SIGKILL"])
def test_an_interrupted_import_is_finished_by_the_next_run(export, uninterrupted, tmp_path, how, moment):
    expected, reference = uninterrupted
    site = new_site(tmp_path)
    process = start_import(site, export, "-c", FREQUENT_CHECKPOINTS)
    wait_for_stories(process, site, int(MOMENTS[moment] * count(reference, "imported")))
    sent = time.monotonic()
    if how == "SIGINT":
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal: every process of the command
    else:
        os.kill(process.pid, getattr(signal, how))  # the import alone: its workers must not linger
    out, err = finish(process)
    stopped_after = time.monotonic() - sent
    if how == "SIGKILL":
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 128 + getattr(signal, how), err
        assert stopped_after < 2, f"took {stopped_after:.1f} s to stop"
        assert "导入已中断" in out and "再次运行 make import 会接着导入其余邮件" in out
        assert "Traceback" not in err
        assert count(out, "imported") >= int(MOMENTS[moment] * count(reference, "imported"))

    returncode, rest, err = run_import(site, export)
    assert returncode == 0 and "另一个导入正在进行" not in err, err  # a dead import's lock never blocks
    assert count(rest, "skipped") == count(rest, "left alone") == 0
    if how != "SIGKILL":  # its own report counted what it did: together they are one run's
        assert count(out, "imported") + count(rest, "imported") == count(reference, "imported")
    assert content(site) == expected


def test_a_second_import_waits_for_the_first_and_then_finds_it_all_done(export, uninterrupted, tmp_path):
    expected, reference = uninterrupted
    site = new_site(tmp_path)
    first = start_import(site, export)
    wait_for_stories(first, site, 20)
    second = start_import(site, export)
    waiting = second.stderr.readline()
    assert first.poll() is None, "the first import ended too soon: make the export larger"
    first_out, first_err = finish(first)
    second_out, second_err = finish(second)
    assert first.returncode == second.returncode == 0, first_err + second_err
    assert waiting == WAITING.format(pid=first.pid) + "\n" and second_err == ""  # one line, no more
    assert count(first_out, "imported") == count(reference, "imported")
    # it ran after the first: everything already recorded, nothing converted again
    assert count(second_out, "imported") == count(second_out, "skipped") == 0
    assert count(second_out, "unchanged") == count(reference, "unchanged") + count(reference, "imported")
    assert content(site) == expected


def test_ctrl_c_while_waiting_for_another_import_cancels_cleanly(export, tmp_path):
    site = new_site(tmp_path)
    first = start_import(site, export)
    wait_for_stories(first, site, 20)
    # Stopped, the first holds its lock until killed: it cannot end and let the second run before
    # the Ctrl-C arrives (on a loaded machine it could).
    os.killpg(first.pid, signal.SIGSTOP)
    try:
        second = start_import(site, export)
        assert second.stderr.readline() == WAITING.format(pid=first.pid) + "\n"
        os.killpg(second.pid, signal.SIGINT)
        _, second_err = finish(second)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # its stopped workers too
        finish(first)
    assert second.returncode == 130 and second_err == "导入已取消；再次运行 make import 即可接着导入。\n"
