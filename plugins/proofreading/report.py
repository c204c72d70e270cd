"""The proofreading report: every hit logged on every build (cached reads too), naming file and line,
unless the story's `Proofread_ok` accepts it; 严重 is an error in public builds."""

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .checking import Hit
from .wordlist import SERIOUS

logger = logging.getLogger(__name__)

# One format string per severity (plugins/buildlog counts the hits of one format string as one kind
# and summarizes repeats, so a 严重 hit is never hidden behind 一般 ones).
HIT_MESSAGE = "错敏字检查：%s 第 %s 行%s中有%s（{severity}）；建议：%s"
ACCEPTED_MESSAGE = "错敏字检查：%s 第 %s 行的“%s”已在 Proofread_ok 中确认，不再提示"
UNUSED_ACCEPTANCE = "错敏字检查：%s 的 Proofread_ok 列出的“%s”在稿件中没有出现；请从 Proofread_ok 中删去"
_SEPARATORS = re.compile(r"[,，、;；\s]+")


def accepted_forms(value: object) -> set[str]:
    """The wrong forms a story's `Proofread_ok` accepts ("错字1, 错字2"; a list works too)."""
    items = value if isinstance(value, list | tuple) else [value or ""]
    return {form for item in items for form in _SEPARATORS.split(str(item)) if form}


@dataclass
class Report:
    """What this build found, for the end-of-build summary and the full list in the cache folder."""

    counts: Counter[str] = field(default_factory=Counter)
    lines: list[tuple[str, int, str]] = field(default_factory=list)  # (path, line, the rest)

    def reset(self) -> None:
        self.counts.clear()
        self.lines.clear()

    def report_story(self, path: str, hits: Iterable[Hit], accepted: set[str], strict: bool) -> None:
        """Log each hit of one story (`path` relative to the content folder)."""
        found = set()
        for hit in hits:
            found.add(hit.wrong)
            if hit.wrong in accepted:
                self.counts["已确认"] += 1
                logger.info(ACCEPTED_MESSAGE, path, hit.line, hit.wrong)
                self.lines.append((path, hit.line, f"{hit.wrong}\t{hit.severity}\t已确认\t{hit.context}"))
                continue
            self.counts[hit.severity] += 1
            level = logging.ERROR if strict and hit.severity == SERIOUS else logging.WARNING
            advice = f"“{hit.advice}”；说明：“{hit.note}”" if hit.note else f"“{hit.advice}”"
            context, wrong = f"“{hit.context}”", f"“{hit.wrong}”"
            message = HIT_MESSAGE.format(severity=hit.severity)
            logger.log(level, message, path, hit.line, context, wrong, advice)
            self.lines.append((path, hit.line, f"{hit.wrong}\t{hit.severity}\t{hit.advice}\t{hit.context}"))
        for form in sorted(accepted - found):
            logger.warning(UNUSED_ACCEPTANCE, path, form)

    def summary(self) -> str | None:
        if not self.lines:
            return None
        parts = [f"{kind} {self.counts[kind]} 处" for kind in ("严重", "一般", "已确认") if self.counts[kind]]
        return f"错敏字检查：{'，'.join(parts)}"

    def write(self, path: Path) -> None:
        """Every hit of the build, accepted ones too, one a line (tab-separated); empty when none."""
        header = "文件\t行\t写法\t严重程度\t建议（或已确认）\t上下文\n"
        rows = "".join(f"{path}\t{line}\t{rest}\n" for path, line, rest in sorted(self.lines))
        text = header + rows if rows else ""
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
