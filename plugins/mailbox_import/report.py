"""What an import did, for the editor: counts, and a line for everything that needs a look."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Report:
    imported: list[tuple[str, str]] = field(default_factory=list)  # (story file, title)
    unchanged: int = 0
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (folder, file, story it repeats)
    left_alone: list[tuple[str, str]] = field(default_factory=list)  # (story file, why)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (folder, file, reason)
    pending: int = 0
    maskings: list[tuple[str, str, str]] = field(default_factory=list)  # (story file, kind, masked form)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (story file, what to check)

    def render(self) -> str:
        lines = [
            "邮箱导入结果 / Mailbox import summary",
            f"  新导入 imported:            {len(self.imported)}",
            f"  未变 unchanged:             {self.unchanged + len(self.duplicates)}"
            + (f"（其中重复来稿 {len(self.duplicates)} 封）" if self.duplicates else ""),
            f"  编辑改过、未覆盖 left alone: {len(self.left_alone)}",
            f"  跳过 skipped:               {len(self.skipped)}",
            f"  待审核 pending review:      {self.pending}（make review 查看）",
            f"  个人信息遮盖 masked:        {len(self.maskings)}"
            + (f"（{self._masking_counts()}）" if self.maskings else ""),
        ]
        sections = [
            ("新导入的稿件", [f"{name}  {title}" for name, title in self.imported]),
            (
                "重复来稿（已有同文稿件）",
                [f"{folder} / {file} -> {story}" for folder, file, story in self.duplicates],
            ),
            ("未覆盖（编辑改过或删除）", [f"{name}: {why}" for name, why in self.left_alone]),
            (
                "跳过的邮件（文件夹 / 文件 / 原因）",
                [f"{folder} / {file}: {why}" for folder, file, why in self.skipped],
            ),
            ("已遮盖的个人信息", [f"{name}: {kind} {masked}" for name, kind, masked in self.maskings]),
            ("请编辑补充", [f"{name}: {note}" for name, note in self.notes]),
        ]
        for heading, items in sections:
            if items:
                lines += ["", f"{heading}:", *(f"  - {item}" for item in items)]
        return "\n".join(lines)

    def _masking_counts(self) -> str:
        counts = Counter(kind for _name, kind, _masked in self.maskings)
        return "，".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
