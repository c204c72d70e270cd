"""Work in forked processes: a child shares the build's memory as it is when it starts (nothing is
pickled on the way in), runs beside the build, and gives back to the system whatever it allocated
when it ends. Only its result comes back, pickled."""

import atexit
import multiprocessing
import multiprocessing.util  # registers its exit hook now: ours, registered after, runs before it
from collections.abc import Callable
from functools import partial
from typing import Any

_unread: set["Forked"] = set()  # children whose result nobody has asked for yet


@atexit.register
def _stop_unread() -> None:
    """A build that fails before asking for a child's result exits: multiprocessing would wait for
    that child for ever if it is blocked writing a result larger than the pipe holds."""
    for child in list(_unread):
        child._process.terminate()
        child._process.join()


def _send_result(work: Callable[[], Any], connection: Any) -> None:
    try:
        connection.send(work())
    except BaseException as error:
        connection.send(error)
    finally:
        connection.close()


class Forked:
    """`work()` running in a forked child; `result()` waits for it and returns what it returned, or
    raises what it raised."""

    def __init__(self, work: Callable[[], Any]) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_send_result, args=(work, sender))
        self._process.start()
        sender.close()
        _unread.add(self)

    def result(self) -> Any:
        _unread.discard(self)
        try:
            value = self._receiver.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(
                f"a forked process of the build ended without a result (exit code {self._process.exitcode}); "
                "see the messages above"
            ) from None
        finally:
            self._receiver.close()
        self._process.join()
        if isinstance(value, BaseException):
            raise value
        return value


def start_shares(work: Callable[[Any], Any], shares: list[Any]) -> Callable[[], list[Any]]:
    """`work(share)` for every share, each in a forked child started now, beside the build; the
    function returned waits for them and returns their results in the shares' order."""
    children = [Forked(partial(work, share)) for share in shares]
    return lambda: [child.result() for child in children]


def run_shares(work: Callable[[Any], Any], shares: list[Any]) -> list[Any]:
    """`work(share)` for every share: the first in this process, each other one in a forked child."""
    others = start_shares(work, shares[1:])
    return [work(shares[0]), *others()]


def run_in_parts(
    work: Callable[[list[Any]], Any], items: list[Any], processes: int, part_size: int
) -> list[Any]:
    """`work(part)` for each run of `part_size` items, in this process and `processes` - 1 forked
    children, each taking the next part when done with one: a process slowed by another one beside
    the build (a cache being saved, pictures being linked) takes fewer parts instead of holding up
    the others, as a fixed share would. Returns the parts' results in the order of `items`."""
    taken = multiprocessing.get_context("fork").Value("q", 0)  # the next part's start, shared

    def take_parts(_: None) -> list[tuple[int, Any]]:
        done = []
        while True:
            with taken.get_lock():
                start = taken.value
                taken.value = start + part_size
            if start >= len(items):
                return done
            done.append((start, work(items[start : start + part_size])))

    done = [part for share in run_shares(take_parts, [None] * processes) for part in share]
    return [result for _, result in sorted(done, key=lambda part: part[0])]
