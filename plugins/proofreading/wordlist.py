"""The office's word list (content/proofreading.tsv): one entry a line, tab-separated, `#` comments."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

SERIOUS = "严重"
ORDINARY = "一般"
SEVERITIES = (SERIOUS, ORDINARY)


@dataclass(frozen=True)
class Entry:
    wrong: str  # the wrong or sensitive form, as it appears in a story
    advice: str  # the right form, or what to do
    severity: str  # SERIOUS or ORDINARY
    note: str = ""


@dataclass(frozen=True)
class WordList:
    entries: tuple[Entry, ...]
    problems: tuple[str, ...]  # lines that were left out, each naming the file and line
    digest: str  # of the file's bytes: a changed list must invalidate every cached check


def parse_word_list(text: str, name: str) -> tuple[tuple[Entry, ...], tuple[str, ...]]:
    """Entries of a word list's text, and a message for each line that cannot be used."""
    entries: dict[str, Entry] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) < 3 or not fields[0] or not fields[1]:
            problems.append(
                f"{name}, line {number}: 需要用 Tab 分隔的至少三列（错误写法、正确写法或建议、严重程度），"
                "这一行未使用；请改正"
            )
            continue
        wrong, advice, severity, note = (*fields[:3], " ".join(fields[3:]))
        if severity not in SEVERITIES:
            problems.append(
                f"{name}, line {number}: 严重程度“{severity}”应为“严重”或“一般”，这一行未使用；请改正"
            )
            continue
        if wrong in entries:
            problems.append(f"{name}, line {number}: “{wrong}”已在前面列出，这一行未使用；请删去一行")
            continue
        entries[wrong] = Entry(wrong, advice, severity, note)
    return tuple(entries.values()), tuple(problems)


def load_word_list(path: Path, name: str) -> WordList:
    """Read the list at `path` (`name` is how messages call it). A missing file is an empty list."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problem = f"{name}: 词表文件不存在，错敏字检查未进行；请创建它或改正 PROOFREADING_LIST"
        return WordList((), (problem,), "")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return WordList((), (f"{name}: 词表不是 UTF-8 编码，错敏字检查未进行；请另存为 UTF-8",), "")
    entries, problems = parse_word_list(text, name)
    return WordList(entries, problems, hashlib.sha256(data).hexdigest())
