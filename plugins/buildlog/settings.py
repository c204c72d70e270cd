"""The settings files (pelicanconf.py, publishconf.py) read for every tool and for Pelican, so that a
broken one is one message naming the file, the line and what to do, in Chinese first, never a
traceback: an editor who deletes a line that a later line uses, leaves a quote open, or writes a
setting of the wrong kind. A SettingsError is a SystemExit: a tool that does not catch it ends with its
message and exit status 1, as `python -m buildlog` (Pelican) does."""

import ast
import os
from pathlib import Path
from typing import Any

from pelican.settings import get_settings_from_file

from .refusals import relative_path

WHAT_TO_DO = (
    "请改正这一行，或改回上一版本（改设置前的备份；用 git 的可以 git checkout {file}）；"
    "各项设置的写法见 README 的 Settings 一节和编辑手册“十六、设置在哪里”，改好后再运行一次。"
)


class SettingsError(SystemExit):
    """A settings file the tools cannot use: the file, the line, the problem and what to do."""

    for_the_editor = True

    def __init__(self, file: str | os.PathLike, line: int | None, problem: str, english: str) -> None:
        shown = relative_path(str(file))
        where = f"{shown} 第 {line} 行" if line else shown
        where_en = f"{shown} line {line}" if line else shown
        super().__init__(
            f"错误：设置文件 {where}：{problem}。\n{WHAT_TO_DO.format(file=shown)}\n"
            f"error: settings file {where_en}: {english}"
        )


def read_settings_file(settings_file: str | os.PathLike) -> dict[str, Any]:
    """The file's settings, read as Pelican reads them; any error raised by running the file (it is
    Python an editor changes) becomes a SettingsError at the line it came from."""
    path = Path(settings_file)
    if not path.is_file():
        raise SettingsError(path, None, "找不到这个设置文件，请在网站文件夹里运行命令", "not found")
    try:
        return get_settings_from_file(str(path))
    except SystemExit:
        raise  # a refusal the file makes itself (publishconf.py's address check)
    except Exception as error:  # whatever the file raises is the file's problem
        raise _error_in_file(path, error) from None


def wrong_setting(settings_file: str | os.PathLike, name: str, problem: str, english: str) -> SettingsError:
    """A setting of the wrong kind or value, at the line that sets it."""
    return SettingsError(settings_file, setting_line(Path(settings_file), name), f"{name} {problem}", english)


def setting_line(settings_file: Path, name: str) -> int | None:
    """The line of the file's last top-level assignment to `name` (None when it is not set there)."""
    try:
        tree = ast.parse(settings_file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    lines = [
        node.lineno
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id == name
    ]
    return lines[-1] if lines else None


def _error_in_file(path: Path, error: Exception) -> SettingsError:
    english = f"{type(error).__name__}: {error}"
    if isinstance(error, SyntaxError):
        return SettingsError(
            error.filename or path, error.lineno,
            "写法不对（常见原因：引号或括号没有成对、少了逗号、行首多了空格）", english,
        )  # fmt: skip
    # The deepest line in a settings file of this folder: publishconf.py runs pelicanconf.py.
    folder = path.resolve().parent
    file, line = path, None
    frame = error.__traceback__
    while frame is not None:
        code_file = Path(frame.tb_frame.f_code.co_filename)
        if code_file.suffix == ".py" and code_file.resolve().parent == folder:
            file, line = code_file, frame.tb_lineno
        frame = frame.tb_next
    if isinstance(error, NameError):
        problem = f"用到了没有定义的名字 {error.name}（定义它的那一行可能被删掉或改了名）"
    elif isinstance(error, ImportError):
        problem = f"导入 {error.name or ''} 失败"
    else:
        problem = f"运行这一行时出错（{english}）"
    return SettingsError(file, line, problem, english)
