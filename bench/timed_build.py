"""Timed commands for the benchmarks: a real `pelican` build with the project settings, and any command
measured with the peak memory of each of its processes."""

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PELICAN = Path(sys.executable).parent / "pelican"
POLL_SECONDS = 0.03


def build_seconds(content: Path, output: Path, settings: dict[str, Any]) -> float:
    """Seconds for one quiet build of `content` into `output`, with `settings` overriding pelicanconf."""
    overrides = [f"PATH={json.dumps(str(content))}"] + [f"{k}={json.dumps(v)}" for k, v in settings.items()]
    command = [str(PELICAN), str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output), "-q"]
    start = time.perf_counter()
    subprocess.run([*command, "-e", *overrides], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


@dataclass
class Measured:
    seconds: float
    peak_mib: float  # the highest VmHWM of any process of the command, as polled
    processes: int  # how many processes the command ran (a forked worker counts as one)
    maxrss_mib: float  # the kernel's own figure for the whole tree (wait4's ru_maxrss), a cross-check
    cpu_seconds: float = 0.0  # processor time of the whole reaped tree, user and system (wait4)


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return int(stat[stat.rindex(b")") + 2 :].split()[1])


def _high_water_kib(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    if "VmHWM:" not in status:  # a zombie: already gone
        return None
    return int(status.split("VmHWM:", 1)[1].split()[0])


class _TreeWatcher(threading.Thread):
    """Polls /proc for the processes descending from `root` and keeps each one's peak resident size.

    A process's parent is read once, when it is first seen (a pid is not reused during a build), so each
    poll reads only the status of the tree's processes and the stat of new pids."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.parents: dict[int, int | None] = {}
        self.peaks: dict[int, int] = {}
        self.done = threading.Event()

    def _in_tree(self, pid: int) -> bool:
        while pid is not None and pid > 1:
            if pid == self.root:
                return True
            pid = self.parents.get(pid)
        return False

    def poll(self) -> None:
        pids = {int(name) for name in os.listdir("/proc") if name.isdigit()}
        for gone in self.parents.keys() - pids:
            del self.parents[gone]
        for pid in pids - self.parents.keys():
            self.parents[pid] = _parent(pid)
        for pid in pids:
            if self._in_tree(pid) and (kib := _high_water_kib(pid)) is not None:
                self.peaks[pid] = max(kib, self.peaks.get(pid, 0))

    def run(self) -> None:
        while not self.done.wait(POLL_SECONDS):
            self.poll()


def measured_run(command: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> Measured:
    """Run `command` in `cwd` with its output in `log`; raise with the log's end if it fails."""
    with log.open("w") as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, env=env)
        watcher = _TreeWatcher(process.pid)
        watcher.start()
        # wait4 instead of Popen.wait: it also reports the peak resident size of the whole reaped tree.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        watcher.done.set()
        watcher.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}) in {cwd}:\n{tail}")
    peaks = watcher.peaks.values()
    cpu_seconds = usage.ru_utime + usage.ru_stime
    return Measured(seconds, max(peaks, default=0) / 1024, len(peaks), usage.ru_maxrss / 1024, cpu_seconds)
