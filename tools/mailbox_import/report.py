"""What an import did, for the editor: counts, and a line for everything that needs a look."""

import signal
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Lines kept per section. Beyond that only counts grow, so a huge first import neither floods the
# terminal nor holds a line per story in memory.
DETAIL_LIMIT = 500


class Details(list):
    """A list of report lines that keeps the first DETAIL_LIMIT and counts the rest (all of them, and
    by the value at count_by when given)."""

    def __init__(self, count_by: int | None = None) -> None:
        super().__init__()
        self.total = 0
        self.count_by = count_by
        self.counts: Counter[str] = Counter()

    def append(self, item: Any) -> None:
        self.total += 1
        if self.count_by is not None:
            self.counts[item[self.count_by]] += 1
        if len(self) < DETAIL_LIMIT:
            super().append(item)

    def extend(self, items: Iterable[Any]) -> None:
        for item in items:
            self.append(item)

    def __iadd__(self, items: Iterable[Any]) -> "Details":
        self.extend(items)
        return self


@dataclass
class Report:
    imported: Details = field(default_factory=Details)  # (story file, title)
    files: Details = field(default_factory=Details)  # (drop-folder file, the story it became)
    unchanged: int = 0
    duplicates: Details = field(default_factory=Details)  # (folder, file, story it repeats)
    left_alone: Details = field(default_factory=Details)  # (story file, why)
    skipped: Details = field(default_factory=Details)  # (folder, file, reason)
    pending: int = 0
    maskings: Details = field(default_factory=lambda: Details(count_by=1))  # (story file, kind, masked form)
    notes: Details = field(default_factory=Details)  # (story file, what to check)
    stopped_by: signal.Signals | None = None  # the signal that stopped the run before its end
    edited: int = 0  # published stories an editor changed since the last run: their feeds say updated

    def render(self) -> str:
        title = "邮箱导入结果 / Mailbox import summary"
        lines = [
            title + ("（导入中途停止，以下只是已完成的部分）" if self.stopped_by else ""),
            f"  新导入 imported:            {self.imported.total}",
            f"  未变 unchanged:             {self.unchanged + self.duplicates.total}"
            + (f"（其中重复来稿 {self.duplicates.total} 封）" if self.duplicates else ""),
            f"  编辑改过、未覆盖 left alone: {self.left_alone.total}",
            f"  跳过 skipped:               {self.skipped.total}",
            f"  待审核 pending review:      {self.pending}（make review 查看）",
            f"  编辑修改 edited:            {self.edited}（订阅源中的更新时间随之更新）",
            f"  个人信息遮盖 masked:        {self.maskings.total}"
            + (f"（{self._masking_counts()}）" if self.maskings else ""),
        ]
        sections = [
            ("新导入的稿件", [f"{name}  {title}" for name, title in self.imported]),
            ("投放文件夹里的文件 -> 稿件", [f"{file} -> {story}" for file, story in self.files]),
            (
                "重复来稿（已有同文稿件）",
                [f"{folder} / {file} -> {story}" for folder, file, story in self.duplicates],
            ),
            ("未覆盖（编辑改过或删除）", [f"{name}: {why}" for name, why in self.left_alone]),
            (
                "跳过的邮件（文件夹 / 文件 / 原因；原邮件未动：请来稿单位重发，或手工录入）",
                [f"{folder} / {file}: {why}" for folder, file, why in self.skipped],
            ),
            ("已遮盖的个人信息", [f"{name}: {kind} {masked}" for name, kind, masked in self.maskings]),
            ("请编辑补充", [f"{name}: {note}" for name, note in self.notes]),
        ]
        for (heading, items), details in zip(sections, self._details(), strict=True):
            if items:
                lines += ["", f"{heading}:", *(f"  - {item}" for item in items)]
                if details.total > len(details):
                    lines.append(f"  - ……另有 {details.total - len(details)} 条未列出")
        if self.stopped_by:
            lines += ["", self.stop_message()]
        return "\n".join(lines)

    def stop_message(self) -> str:
        assert self.stopped_by is not None
        why = "按了 Ctrl-C" if self.stopped_by == signal.SIGINT else f"收到 {self.stopped_by.name}"
        return (
            f"导入已中断（{why}）：已写入的 {self.imported.total} 篇稿件都已保存并记录。"
            "再次运行 make import 会接着导入其余邮件，已导入的不会重复，也不会报为跳过。"
        )

    def _details(self) -> list[Details]:
        return [
            self.imported,
            self.files,
            self.duplicates,
            self.left_alone,
            self.skipped,
            self.maskings,
            self.notes,
        ]

    def _masking_counts(self) -> str:
        return "，".join(f"{kind} {count}" for kind, count in sorted(self.maskings.counts.items()))
