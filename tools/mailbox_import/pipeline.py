"""The import run: export -> approved, new messages -> stories in content/, and the review listing.

Messages stream from the export; only approved messages with an unknown fingerprint are converted, in a
process pool (conversion is the slow part), and their results are written in export order, so the first
copy of a resent story is the one kept whatever the pool's timing.

A run asked to stop (Ctrl-C, SIGTERM) stops between two messages, or while it waits for a conversion,
keeps and records every story written so far and drops the conversions in flight: the next run does them.
"""

import email.parser
import email.policy
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from itertools import chain
from pathlib import Path, PurePosixPath
from types import FrameType

from controlchars.characters import clean_text
from tqdm import tqdm

from .approval import is_approved
from .config import ImportSettings
from .convert import Story, convert, fingerprint
from .decode import decode_header_text, raw_header
from .dropfolder import iter_dropped, message_for_file
from .export import ExportEntry, deleted_reason, is_sample_export, iter_export
from .mailparts import BadMessage
from .report import Report
from .store import Store, recorded_keys

WORKER_DIED = "转换这封邮件时进程意外退出（邮件过大或损坏？），未写入任何内容"
TIMED_OUT = (
    "转换超过 {seconds:g} 秒仍未完成，已停止（邮件或附件可能异常庞大或损坏），未写入任何内容；"
    "请查看原件，必要时请来稿单位重新发送，或调大 MAILBOX_CONVERT_TIMEOUT"
)
LEFT_ALONE_REASONS = {
    "edited": "编辑手工改过，导入未覆盖",
    "deleted": "编辑已删除该稿件文件，导入未恢复",
}


def _convert_job(
    data: bytes,
    images_path: str,
    public_emails: tuple[str, ...],
    zone: tzinfo,
    dropped: tuple[Path, str, float] | None = None,
) -> Story | str:
    """Runs in a worker: a Story, or the reason the message cannot be one. `zone`: the site's time zone
    (a ZoneInfo pickles as its name). `dropped`: the data is a file from the drop folder (the folder, the
    file's path in it, its modification time), wrapped here."""
    try:
        if dropped:
            folder, location, modified = dropped
            data = message_for_file(folder, location, data, modified)
            return convert(data, images_path, public_emails, PurePosixPath(location).name, zone=zone)
        return convert(data, images_path, public_emails, zone=zone)
    except BadMessage as error:
        return str(error)
    except Exception as error:  # one odd message must never stop the run
        return f"转换时出错（{type(error).__name__}: {error}），未导入；请查看原邮件或请来稿单位重新发送"


def _worker_setup(parent: int) -> None:
    """In each worker: Ctrl-C, which the terminal sends to every process of the command, is the parent's
    to handle; SIGTERM kills (the parent's handler is inherited by fork, and would keep the worker alive
    through Process.terminate); and the worker leaves when the parent is gone (killed with -9, say)
    instead of waiting for work for ever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_exit_without, args=(parent,), daemon=True).start()


def _exit_without(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


class StopRequest:
    """Set by a signal handler; the run looks at it between messages and while waiting for a conversion."""

    def __init__(self) -> None:
        self.signal: signal.Signals | None = None

    def __bool__(self) -> bool:
        return self.signal is not None

    def handle(self, signum: int, _frame: FrameType | None) -> None:
        self.signal = signal.Signals(signum)


@contextmanager
def _stopping_on(signals: tuple[signal.Signals, ...], stop: StopRequest) -> Iterator[None]:
    previous = {number: signal.signal(number, stop.handle) for number in signals}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class _InlineExecutor(Executor):
    """Runs jobs as they are submitted: one worker, no processes (small runs, tests)."""

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class _Converter:
    """Conversion jobs in a process pool that is replaced if a worker dies (a message that exhausts
    memory, a crash in a C library) or a job runs past settings.convert_timeout (a conversion that never
    ends), so one such message cannot stop the run. With one worker, jobs run in this process: no time
    limit (tests and debugging; the default is at least two workers)."""

    def __init__(self, workers: int, settings: ImportSettings) -> None:
        self.workers = workers
        self.settings = settings
        self.timeout = settings.convert_timeout
        self.executor = self._new_executor()

    def _new_executor(self) -> Executor:
        if self.workers == 1:
            return _InlineExecutor()
        return ProcessPoolExecutor(self.workers, initializer=_worker_setup, initargs=(os.getpid(),))

    def submit(self, entry: ExportEntry) -> Future:
        args = (_convert_job, *self._job_args(entry))
        try:
            return self.executor.submit(*args)
        except BrokenProcessPool:
            self.executor.shutdown(cancel_futures=True)
            self.executor = self._new_executor()
            return self.executor.submit(*args)

    def result(self, job: Future, entry: ExportEntry, stop: StopRequest) -> Story | str | None:
        """The job's result, or None when the run is asked to stop first. A job still running
        self.timeout seconds after the run started waiting for it is stopped (the pool's workers are
        ended and the pool replaced). When its pool broke, the message was one of those in flight: it is
        converted again in a process of its own, which tells whether it was the one that killed it."""
        started = time.monotonic()
        try:
            while not stop:
                try:
                    return job.result(timeout=0.2)
                except TimeoutError:
                    if time.monotonic() - started > self.timeout:
                        self._replace_pool()
                        return TIMED_OUT.format(seconds=self.timeout)
            return None
        except (BrokenProcessPool, CancelledError):
            if stop:  # the workers were stopped with the run (SIGTERM to the whole process group)
                return None
            alone = ProcessPoolExecutor(1, initializer=_worker_setup, initargs=(os.getpid(),))
            try:
                return alone.submit(_convert_job, *self._job_args(entry)).result(timeout=self.timeout)
            except BrokenProcessPool:
                return WORKER_DIED
            except TimeoutError:
                _end_workers(alone)
                return TIMED_OUT.format(seconds=self.timeout)
            finally:
                alone.shutdown(cancel_futures=True)

    def _replace_pool(self) -> None:
        _end_workers(self.executor)
        self.executor.shutdown(wait=False)
        self.executor = self._new_executor()

    def _job_args(self, entry: ExportEntry) -> tuple:
        settings = self.settings
        dropped = None
        if entry.dropped_at is not None:
            dropped = (settings.inbox_dir, entry.location, entry.dropped_at)
        return entry.data, settings.images_path, settings.public_emails, settings.timezone, dropped

    def shutdown(self, now: bool = False) -> None:
        """Let the pool go once its running jobs end; `now`: end them, their results are not wanted."""
        if now:
            _end_workers(self.executor)
        self.executor.shutdown(cancel_futures=True)


def _end_workers(executor: Executor) -> None:
    """End a pool's running jobs now: no public way before Python 3.14's terminate_workers()."""
    if isinstance(executor, ProcessPoolExecutor):
        for process in list((executor._processes or {}).values()):
            process.terminate()


def _workers(requested: int | None) -> int:
    if requested:
        return requested
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(2, cores)  # conversions in worker processes even on one core: the time limit holds


def _progress(entries: Iterator[ExportEntry], show: bool | None) -> Iterator[ExportEntry]:
    # show=None: a bar only when stderr is a terminal, so logs and CI stay readable.
    return tqdm(
        entries, desc="导入邮件", unit="封", file=sys.stderr, disable=None if show is None else not show
    )


def run_import(
    settings: ImportSettings,
    export_root: Path,
    workers: int | None = None,
    progress: bool | None = None,
    stop_on: tuple[signal.Signals, ...] = (),
) -> Report:
    """Import the approved new messages. A signal in `stop_on` (the command line: SIGINT, SIGTERM) stops
    the run early, with every story so far saved and recorded; report.stopped_by then names it."""
    sample = is_sample_export(export_root)
    report = Report()
    worker_count = _workers(workers)
    stop = StopRequest()
    with Store.open(settings.stories_dir, settings.images_dir) as store, _stopping_on(stop_on, stop):
        converter = _Converter(worker_count, settings)
        in_flight: deque[tuple[ExportEntry, str, Future]] = deque()
        try:
            entries = chain(iter_export(export_root), iter_dropped(settings.inbox_dir, settings.inbox_label))
            for entry in _progress(entries, progress):
                if stop:
                    break
                source = _triage(entry, settings, store, report)
                if source:
                    in_flight.append((entry, source, converter.submit(entry)))
                # bounded: memory stays flat however big the export
                while len(in_flight) > worker_count * 8 and not stop:
                    _store_result(*in_flight.popleft(), converter, store, report, sample, stop)
            while in_flight and not stop:
                _store_result(*in_flight.popleft(), converter, store, report, sample, stop)
            if not stop:
                report.edited = store.record_edits(datetime.now(settings.timezone))
        finally:
            converter.shutdown(now=bool(stop))
            store.save()
    report.stopped_by = stop.signal
    return report


def _triage(entry: ExportEntry, settings: ImportSettings, store: Store, report: Report) -> str:
    """The fingerprint of a message that needs converting; anything else is counted here."""
    if entry.problem:
        report.skipped.append((entry.folder, entry.location, entry.problem))
    elif entry.dropped_at is not None:  # dropping a file is the editor's approval
        source = fingerprint(entry.data)
        if not _known(source, store, report):
            return source
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
    stop: StopRequest,
) -> None:
    result = converter.result(job, entry, stop)
    if result is None:
        return
    store.checkpoint()
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
    name = store.write(result, source, sample and entry.dropped_at is None)
    if name is None:
        report.skipped.append(
            (
                entry.folder,
                entry.location,
                "同名稿件文件已存在且不是导入程序写的，未覆盖；请编辑核对后删除或改名",
            )
        )
        return
    if store.state(name) != "unchanged":  # a file an interrupted run wrote, since edited by hand
        report.left_alone.append((name, LEFT_ALONE_REASONS["edited"]))
        return
    report.imported.append((name, result.title))
    if entry.dropped_at is not None:
        report.files.append((f"{entry.folder}/{entry.location}", name))
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


@dataclass
class ImportPreview:
    """What `make import` would do with what it has not done yet, found without writing anything."""

    skipped: list[tuple[str, str, str]]  # (folder, file, why) as the import reports them
    waiting: int = 0  # approved messages and dropped files that would become new stories


def preview_import(settings: ImportSettings, export_root: Path, workers: int | None = None) -> ImportPreview:
    """Every message and dropped file the import skips, with its reason, and how many new stories wait:
    the approved ones it has no record of are converted (in worker processes, with the time limit) and
    nothing is written."""
    sources, text_keys = recorded_keys(settings.stories_dir)
    preview = ImportPreview([])
    converter = _Converter(_workers(workers), settings)
    in_flight: deque[tuple[ExportEntry, Future]] = deque()

    def collect(entry: ExportEntry, job: Future) -> None:
        result = converter.result(job, entry, StopRequest())
        if isinstance(result, str):
            preview.skipped.append((entry.folder, entry.location, result))
        elif result is not None and result.text_key not in text_keys:
            text_keys.add(result.text_key)
            preview.waiting += 1

    try:
        for entry in chain(iter_export(export_root), iter_dropped(settings.inbox_dir, settings.inbox_label)):
            if entry.problem or (entry.dropped_at is None and (reason := deleted_reason(entry))):
                preview.skipped.append((entry.folder, entry.location, entry.problem or reason))
            elif entry.dropped_at is not None or is_approved(entry.folder, settings.approved_folders):
                source = fingerprint(entry.data)
                if source not in sources:
                    sources.add(source)
                    in_flight.append((entry, converter.submit(entry)))
            while len(in_flight) > converter.workers * 8:
                collect(*in_flight.popleft())
        while in_flight:
            collect(*in_flight.popleft())
    finally:
        converter.shutdown()
    return preview


def render_preview(preview: ImportPreview) -> str:
    lines = [
        f"导入时会跳过 / Skipped by import: {len(preview.skipped)}（原邮件或文件未动；每条写明原因和做法）"
    ]
    lines += [f"  {folder} / {file}: {why}" for folder, file, why in preview.skipped]
    lines.append(f"已采用、尚未导入 / Approved, not yet imported: {preview.waiting}（运行 make import）")
    return "\n".join(lines)


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
