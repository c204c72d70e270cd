"""siterules.processes: work in forked children, and a build that fails before it reads their results."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from siterules.processes import Forked, run_in_parts, run_shares, start_shares

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"


def test_a_child_gives_back_what_it_returned_or_raised():
    assert Forked(lambda: "x" * 200_000).result() == "x" * 200_000
    with pytest.raises(ZeroDivisionError):
        Forked(lambda: 1 / 0).result()


def test_shares_give_their_results_in_their_order_whether_started_or_run():
    shares = [[1, 2], [3], [], [4, 5, 6]]
    assert start_shares(sum, shares)() == [3, 3, 0, 15]
    assert run_shares(sum, shares) == [3, 3, 0, 15]
    with pytest.raises(TypeError):
        start_shares(sum, [[1], ["x"]])()


def test_parts_are_each_done_once_in_order_and_a_slowed_process_takes_fewer():
    builder = os.getpid()

    def work(part: list[int]) -> tuple[int, list[int]]:
        if os.getpid() == builder:
            time.sleep(0.2)  # as if another process beside the build shared this one's core
        return os.getpid(), part

    results = run_in_parts(work, list(range(50)), 2, 3)
    assert [item for _, part in results for item in part] == list(range(50))
    by_builder = sum(1 for pid, _ in results if pid == builder)
    assert 1 <= by_builder < len(results) / 2


def test_a_build_failing_before_it_reads_a_large_result_exits_instead_of_hanging():
    # The child blocks writing a result larger than a pipe holds; without the exit hook,
    # multiprocessing waits for it for ever.
    program = (
        f"import sys; sys.path.insert(0, {str(PLUGINS)!r})\n"
        "from siterules.processes import Forked\n"
        "started = Forked(lambda: 'x' * 1_000_000)\n"
        "raise SystemExit('the build failed')\n"
    )
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "the build failed" in run.stderr
