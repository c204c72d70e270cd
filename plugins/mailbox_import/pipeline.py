"""The import run: export -> approved, new messages -> stories in content/, and the review listing.

Messages stream from the export; only approved messages with an unknown fingerprint are converted, in a
process pool (conversion is the slow part), and their results are written in export order, so the first
copy of a resent story is the one kept whatever the pool's timing.
"""

import email.parser
import email.policy
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from controlchars.characters import clean_text
from tqdm import tqdm

from .approval import is_approved
from .config import ImportSettings
from .convert import BadMessage, Story, convert, fingerprint
from .decode import decode_header_text, raw_header
from .export import ExportEntry, deleted_reason, is_sample_export, iter_export
from .report import Report
from .store import Store

WORKER_DIED = "转换这封邮件时进程意外退出（邮件过大或损坏？），未写入任何内容"
LEFT_ALONE_REASONS = {
    "edited": "编辑手工改过，导入未覆盖",
    "deleted": "编辑已删除该稿件文件，导入未恢复",
}


def _convert_job(data: bytes, images_path: str, public_emails: tuple[str, ...]) -> Story | str:
    """Runs in a worker: a Story, or the reason the message cannot be one."""
    try:
        return convert(data, images_path, public_emails)
    except BadMessage as error:
        return str(error)
    except Exception as error:  # one odd message must never stop the run
        return f"转换时出错（{type(error).__name__}: {error}），未导入；请查看原邮件或请来稿单位重新发送"


class _InlineExecutor(Executor):
    """Runs jobs as they are submitted: one worker, no processes (small runs, tests)."""

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class _Converter:
    """Conversion jobs in a process pool that is replaced if a worker dies (a message that exhausts
    memory, a crash in a C library), so one such message cannot stop the run."""

    def __init__(self, workers: int, settings: ImportSettings) -> None:
        self.workers = workers
        self.settings = settings
        self.executor = self._new_executor()

    def _new_executor(self) -> Executor:
        return ProcessPoolExecutor(self.workers) if self.workers > 1 else _InlineExecutor()

    def submit(self, data: bytes) -> Future:
        args = (_convert_job, data, *self._job_settings())
        try:
            return self.executor.submit(*args)
        except BrokenProcessPool:
            self.executor.shutdown(cancel_futures=True)
            self.executor = self._new_executor()
            return self.executor.submit(*args)

    def result(self, job: Future, data: bytes) -> Story | str:
        """The job's result. When its pool broke, the message was one of those in flight: it is
        converted again in a process of its own, which tells whether it was the one that killed it."""
        try:
            return job.result()
        except BrokenProcessPool:
            with ProcessPoolExecutor(1) as alone:
                try:
                    return alone.submit(_convert_job, data, *self._job_settings()).result()
                except BrokenProcessPool:
                    return WORKER_DIED

    def _job_settings(self) -> tuple[str, tuple[str, ...]]:
        return self.settings.images_path, self.settings.public_emails

    def shutdown(self) -> None:
        self.executor.shutdown(cancel_futures=True)


def _workers(requested: int | None) -> int:
    if requested:
        return requested
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _progress(entries: Iterator[ExportEntry], show: bool | None) -> Iterator[ExportEntry]:
    # show=None: a bar only when stderr is a terminal, so logs and CI stay readable.
    return tqdm(
        entries, desc="导入邮件", unit="封", file=sys.stderr, disable=None if show is None else not show
    )


def run_import(
    settings: ImportSettings, export_root: Path, workers: int | None = None, progress: bool | None = None
) -> Report:
    sample = is_sample_export(export_root)
    report = Report()
    worker_count = _workers(workers)
    with Store.open(settings.stories_dir, settings.images_dir) as store:
        converter = _Converter(worker_count, settings)
        in_flight: deque[tuple[ExportEntry, str, Future]] = deque()
        try:
            for entry in _progress(iter_export(export_root), progress):
                source = _triage(entry, settings, store, report)
                if source:
                    in_flight.append((entry, source, converter.submit(entry.data)))
                while len(in_flight) > worker_count * 8:  # bounded: memory stays flat however big the export
                    _store_result(*in_flight.popleft(), converter, store, report, sample)
            while in_flight:
                _store_result(*in_flight.popleft(), converter, store, report, sample)
        finally:
            converter.shutdown()
            store.save()
    return report


def _triage(entry: ExportEntry, settings: ImportSettings, store: Store, report: Report) -> str:
    """The fingerprint of a message that needs converting; anything else is counted here."""
    if entry.problem:
        report.skipped.append((entry.folder, entry.location, entry.problem))
    elif deleted := deleted_reason(entry):
        report.skipped.append((entry.folder, entry.location, deleted))
    elif not is_approved(entry.folder, settings.approved_folders):
        report.pending += 1
    else:
        source = fingerprint(entry.data)
        if not _known(source, store, report):
            return source
    return ""


def _known(source: str, store: Store, report: Report) -> bool:
    name = store.story_for_source(source)
    if name is None:
        return False
    state = store.state(name)
    if state == "unchanged":
        report.unchanged += 1
    elif (name, LEFT_ALONE_REASONS[state]) not in report.left_alone:
        report.left_alone.append((name, LEFT_ALONE_REASONS[state]))
    return True


def _store_result(
    entry: ExportEntry,
    source: str,
    job: Future,
    converter: _Converter,
    store: Store,
    report: Report,
    sample: bool,
) -> None:
    result = converter.result(job, entry.data)
    if isinstance(result, str):
        report.skipped.append((entry.folder, entry.location, result))
        return
    if _known(source, store, report):  # the same message twice in the export
        return
    existing = store.story_for_text(result.text_key)
    if existing is not None:
        store.add_source(existing, source)
        report.duplicates.append((entry.folder, entry.location, existing))
        return
    name = store.write(result, source, sample)
    if name is None:
        report.skipped.append(
            (
                entry.folder,
                entry.location,
                "同名稿件文件已存在且不是导入程序写的，未覆盖；请编辑核对后删除或改名",
            )
        )
        return
    report.imported.append((name, result.title))
    report.maskings += [(name, masking.kind, masking.masked) for masking in result.maskings]
    report.notes += [(name, note) for note in result.notes]


@dataclass(frozen=True)
class PendingMessage:
    folder: str
    location: str
    sender: str
    date: str
    subject: str
    size: int
    fingerprint: str
    problem: str = ""


def list_pending(settings: ImportSettings, export_root: Path) -> Iterator[PendingMessage]:
    """Messages waiting for an editor's decision (not in an approval folder). Reads only."""
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    for entry in iter_export(export_root):
        if entry.problem or deleted_reason(entry) or is_approved(entry.folder, settings.approved_folders):
            continue
        headers = parser.parsebytes(entry.data)
        try:
            # Control characters (an escape sequence, say) must not reach the editor's terminal.
            sender, date, subject = (
                clean_text(decode_header_text(raw_header(headers, name)), " ")[0]
                for name in ("from", "date", "subject")
            )
            problem = ""
        except ValueError:
            sender = date = subject = ""
            problem = "邮件头已损坏，发件人、日期或主题无法读出；请在邮件客户端中查看原邮件"
        yield PendingMessage(
            entry.folder,
            entry.location,
            sender,
            date,
            subject,
            len(entry.data),
            fingerprint(entry.data),
            problem,
        )


def render_pending(messages: Iterator[PendingMessage]) -> str:
    lines = []
    for message in messages:
        lines += [
            f"{message.folder} / {message.location}",
            f"  发件人 From:    {message.sender or '（无）'}",
            f"  日期 Date:      {message.date or '（无）'}",
            f"  主题 Subject:   {message.subject or '（无）'}",
            f"  大小 Size:      {message.size} 字节",
            f"  指纹 SHA-256:   {message.fingerprint}",
        ]
        if message.problem:
            lines.append(f"  问题 Problem:   {message.problem}")
    count = sum(1 for line in lines if not line.startswith(" "))
    return "\n".join([f"待审核邮件 / Pending review: {count}", *lines])
