"""Mailbox import speed and memory, side by side with bare standard-library parsing.

    .venv/bin/python bench/import_bench.py [N]      (default N = 10,000 messages)

Generates an export like the bundled sample (plain text, GBK HTML with an inline photo, .docx with
photos; one in ten pending in an mbox) in a temporary folder, then prints messages per second for
  - bare parse: email with policy.default, every part's content decoded (the floor),
  - first import: conversion in a process pool, one worker per core,
  - re-run: nothing changed, so nothing may be converted again,
and the import's peak memory at 1,000 messages and at N (it should not grow with N), measured in a process
of its own: memory traced by Python (tracemalloc) in a first import and in its re-run, and the process's
peak resident size, which also counts what C libraries such as SQLite allocate (not the workers').
Targets: first import within 10x of bare parse; re-run at least as fast as bare parse; memory flat.
"""

import argparse
import base64
import email
import email.parser
import email.policy
import io
import mailbox
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "plugins")]

from mailbox_import.__main__ import DEFAULT_EXPORT  # noqa: E402
from mailbox_import.config import ImportSettings, settings_from  # noqa: E402
from mailbox_import.export import iter_export  # noqa: E402
from mailbox_import.pipeline import _workers, run_import  # noqa: E402

PER_FOLDER = 500


def sample_parts() -> tuple[bytes, bytes]:
    """A photo (with EXIF GPS) and a Word document as real clients send them, taken from the sample."""
    photo = document = b""
    for entry in iter_export(DEFAULT_EXPORT):
        for part in email.message_from_bytes(entry.data, policy=email.policy.compat32).walk():
            payload = part.get_payload(decode=True) or b""
            if part.get_content_type() == "image/jpeg" and not photo:
                photo = payload
            elif part.get_content_type().endswith("wordprocessingml.document"):
                document = payload
    return photo, document


def with_paragraph(document: bytes, text: str) -> bytes:
    """The .docx with one more paragraph, so that every generated story is a different story."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(document)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(
                    b"<w:sectPr", f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p><w:sectPr".encode(), 1
                )
            copy.writestr(info, data)
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.encodebytes(data).decode().replace("\n", "\r\n")


def generated_message(number: int, photo: bytes, document: bytes) -> bytes:
    """One of four shapes in turn: UTF-8 text, GBK HTML with an inline photo, .docx with a cover note and a
    photo, GBK plain text."""
    story = (
        f"第{number}号稿件：某市志愿者协会组织志愿者开展社区防疫宣传，累计服务居民三百余人次，"
        f"联系电话 139{number:08d}。志愿者为独居老人配送生活物资。"
    ) * 3
    subject = f"=?utf-8?B?{base64.b64encode(f'【工作动态】测试稿件{number}'.encode()).decode()}?="
    head = (
        f"From: test{number}@example.com\r\nTo: jsmzshzz@163.com\r\nSubject: {subject}\r\n"
        f"Date: Tue, 18 Feb 2020 10:30:00 +0800\r\nMessage-ID: <{number}@bench>\r\nMIME-Version: 1.0\r\n"
    )
    shape = number % 4
    if shape == 0:
        return (
            head
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + b64(story.encode())
        ).encode()
    if shape == 3:
        return (
            head + "Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        ).encode() + story.encode("gb18030")
    if shape == 1:
        html = f"<p>{story}</p><p><img src='cid:p{number}'></p><script>x()</script>"
        parts = [
            ("text/html; charset=gb2312", "", html.encode("gb18030")),
            ("image/jpeg", f"Content-ID: <p{number}>\r\n", photo),
        ]
    else:
        parts = [
            ("text/plain; charset=utf-8", "", "稿件见附件，请审阅。".encode()),
            (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "Content-Disposition: attachment; filename=story.docx\r\n",
                with_paragraph(document, story),
            ),
            ("image/jpeg", "Content-Disposition: attachment; filename=photo.jpg\r\n", photo),
        ]
    body = "".join(
        f"--b{number}\r\nContent-Type: {ctype}\r\n{extra}Content-Transfer-Encoding: base64\r\n\r\n{b64(data)}"
        for ctype, extra, data in parts
    )
    return (
        head + f'Content-Type: multipart/mixed; boundary="b{number}"\r\n\r\n{body}--b{number}--\r\n'
    ).encode()


def make_export(root: Path, count: int) -> None:
    """count messages: nine in ten approved (500 to a subfolder), one in ten pending in an mbox."""
    photo, document = sample_parts()
    root.mkdir(parents=True)
    box = mailbox.mbox(root / "收件箱")
    for number in range(count):
        data = generated_message(number, photo, document)
        if number % 10 == 9:
            box.add(data)
            continue
        folder = root / "已采用" / f"批次{number // PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{number:06d}.eml").write_bytes(data)
    box.flush()


def bare_parse(root: Path) -> int:
    """Every message parsed with policy.default and every leaf part's content decoded."""
    parser = email.parser.BytesParser(policy=email.policy.default)
    messages = (parser.parsebytes(path.read_bytes()) for path in sorted(root.rglob("*.eml")))
    count = 0
    for message in (*messages, *mailbox.mbox(root / "收件箱", factory=parser.parse)):
        for part in message.walk():
            if not part.is_multipart():
                part.get_content()
        count += 1
    return count


T = TypeVar("T")


def timed(function: Callable[..., T], *args: object) -> tuple[T, float]:
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def fresh_settings(work: Path) -> ImportSettings:
    content = work / "content"
    content.mkdir(parents=True)
    return settings_from({}, work, content)


def peak_memory(count: int, scratch: Path) -> list[float]:
    """Peak MiB traced by Python in a first import of count messages and in its re-run, and peak MiB
    resident, in a fresh process (so neither the bench's own data nor an earlier import is counted)."""
    export = scratch / f"export-{count}"
    make_export(export, count)
    site = scratch / f"site-{count}"
    fresh_settings(site)
    command = [sys.executable, __file__, "--peak-memory", str(export), str(site)]
    return [
        float(mib)
        for mib in subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()
    ]


def print_peak_memory(export: Path, site: Path) -> None:
    """Peak MiB traced by Python for a first import and for a re-run, then peak resident MiB (Linux's
    VmHWM: unlike ru_maxrss it does not count the parent's memory before exec)."""
    settings = settings_from({}, site, site / "content")
    tracemalloc.start()
    peaks = []
    for _first_then_rerun in range(2):
        tracemalloc.reset_peak()
        run_import(settings, export, progress=False)
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
    status = Path("/proc/self/status").read_text()
    resident_kib = int(status.split("VmHWM:", 1)[1].split()[0])
    print(*(f"{peak:.1f}" for peak in peaks), f"{resident_kib / 2**10:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", nargs="?", type=int, default=10_000, help="messages (default 10,000)")
    # The bench runs itself with this to measure one import's memory in a process of its own.
    parser.add_argument(
        "--peak-memory", nargs=2, type=Path, metavar=("EXPORT", "SITE"), help=argparse.SUPPRESS
    )
    arguments = parser.parse_args()
    if arguments.peak_memory:
        print_peak_memory(*arguments.peak_memory)
        return
    count = arguments.count
    with tempfile.TemporaryDirectory(prefix="import-bench-") as scratch_name:
        scratch = Path(scratch_name)
        export = scratch / "export"
        make_export(export, count)
        size = sum(p.stat().st_size for p in export.rglob("*") if p.is_file()) / 2**20
        parsed, bare_seconds = timed(bare_parse, export)
        settings = fresh_settings(scratch / "site")
        first, first_seconds = timed(run_import, settings, export, None, False)
        rerun, rerun_seconds = timed(run_import, settings, export, None, False)
        small_peak = peak_memory(1_000, scratch)
        large_peak = peak_memory(count, scratch) if count != 1_000 else small_peak

    print(
        f"export: {count} messages, {size:.0f} MiB; "
        f"{_workers(None)} worker processes ({os.cpu_count()} cores)"
    )
    print(f"{'':24}{'messages/s':>12}{'seconds':>10}{'vs bare parse':>16}")
    rows = [
        ("bare parse (stdlib)", parsed, bare_seconds),
        ("first import", count, first_seconds),
        ("re-run, nothing new", count, rerun_seconds),
    ]
    for label, messages, seconds in rows:
        print(f"{label:24}{messages / seconds:12.0f}{seconds:10.2f}{bare_seconds / seconds * 100:15.0f}%")
    print(
        f"first import: {first.imported.total} imported, {first.duplicates.total} duplicates, "
        f"{first.skipped.total} skipped, {first.pending} pending"
    )
    print(f"re-run: {rerun.unchanged} unchanged, {rerun.imported.total} imported")
    print(f"peak memory of the import process (MiB){'1,000 messages':>20}{f'{count:,} messages':>20}")
    labels = ("traced, first import", "traced, re-run", "resident, both runs")
    for label, small, large in zip(labels, small_peak, large_peak, strict=True):
        print(f"  {label:36}{small:20.1f}{large:20.1f}")


if __name__ == "__main__":
    main()
