"""Pelican's refusals in the editors' words, and no traceback unless something is really broken.

`pelican --fatal errors` (make publish) stops at the first error by raising a RuntimeError from inside
the logging call; Pelican then logs that exception at CRITICAL with its traceback (and, when the
error was a story's, first logs "Could not process …" about it). For an editor the error above is the
whole story: the traceback says only that the tool stopped as it was told to. A plugin that stops the
build on purpose raises an exception whose class sets `for_the_editor = True` and whose message names
the file and what to do; it too is shown without a traceback. Any other exception keeps its traceback
and gains a line saying how to report it.
"""

import logging
import os
import sys
from types import TracebackType

# The message of the RuntimeError pelican.log.FatalLogger raises after an error is logged.
PELICAN_STOP = "Warning or error encountered"
STOPPED = (
    "生成已停止：请先改正上面 ERROR 所说的问题（发布时任何错误都会停止生成），再重新运行。"
    "The build stopped at the error above; fix it and run the command again."
)
REFUSED = "生成已停止：%s\n请按上面的说明改正，再重新运行。(The build stopped: fix what is named above.)"
NOT_BUILT = "%s 因上面的错误没有生成。(not built because of the error above)"
MISSING_FIELD = (
    "稿件 %s 缺少“%s”一项，这篇没有生成：请在文件开头补上一行，例如 %s，再重新生成。"
    "(skipped: no %s in its front matter)"
)
# Pelican's mandatory fields: what the editor calls each, and a line to copy.
FIELDS = {"title": ("标题", "Title: 稿件标题"), "date": ("日期", "Date: 2020-04-26 09:00")}
BUG = (
    "以上是程序本身的错误，不是稿件的问题：请把上面的全部输出和所运行的命令一起发给网站的技术维护人员。"
    "This is a bug: report it with the whole output above and the command you ran."
)


def is_pelican_stop(error: BaseException | None) -> bool:
    """True for the exception with which `--fatal` stops a build after an error was logged."""
    return isinstance(error, RuntimeError) and str(error) == PELICAN_STOP


class PlainRefusals(logging.Filter):
    """Rewrites Pelican's own refusals in place, on the log handlers; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "Skipping %s: could not find information about '%s'" and len(record.args) == 2:
            source, field = record.args
            name, example = FIELDS.get(field, (field, f"{field.capitalize()}: …"))
            record.msg, record.args = MISSING_FIELD, (relative_path(str(source)), name, example, field)
        elif record.msg == "Could not process %s" and is_pelican_stop(sys.exc_info()[1]):
            record.msg = NOT_BUILT
        elif record.levelno >= logging.CRITICAL and record.exc_info:
            error = record.exc_info[1]
            if is_pelican_stop(error):
                record.msg, record.args, record.exc_info, record.exc_text = STOPPED, (), None, None
            elif getattr(error, "for_the_editor", False):
                record.msg, record.args, record.exc_info, record.exc_text = REFUSED, (error,), None, None
            elif BUG not in str(record.msg):
                record.msg = f"{record.msg}\n{BUG}"
        return True


def relative_path(path: str) -> str:
    """`path` relative to the current folder when it lies inside it, as the editor would type it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def report_bugs() -> None:
    """For a command-line tool: an exception nobody meant keeps its traceback, then says how to report it.
    The refusals a tool means to make are messages and exit codes, never exceptions."""

    def hook(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
        sys.__excepthook__(kind, error, traceback)
        if not issubclass(kind, KeyboardInterrupt):
            print(BUG, file=sys.stderr)

    sys.excepthook = hook
