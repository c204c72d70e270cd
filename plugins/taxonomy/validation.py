"""Checks a story's metadata against the fixed vocabularies."""

from collections.abc import Mapping
from typing import Any

from .vocabulary import CATEGORIES, CHECKED_FIELDS, names


class VocabularyError(ValueError):
    """One or more stories use a value outside the fixed vocabularies."""

    for_the_editor = True  # its message names the file and what to do: shown without a traceback


def term_problem(source_path: str, field: str, value: str) -> str:
    """The editors' message for a value of `field` (a key of CHECKED_FIELDS) outside its vocabulary."""
    allowed = names(CHECKED_FIELDS[field])
    return (
        f"{source_path}: {field} 的值“{value}”不在规定范围内。"
        f"允许的值：{'、'.join(allowed)}（或留空，等待编辑补充）。"
    )


def metadata_problems(metadata: Mapping[str, Any], source_path: str) -> list[str]:
    """Describe every vocabulary violation in one story's metadata; empty values are allowed."""
    problems = []
    for field, terms in CHECKED_FIELDS.items():
        value = str(metadata.get(field) or "").strip()
        if value and value not in names(terms):
            problems.append(term_problem(source_path, field, value))
    category = str(metadata.get("category") or "").strip()
    if category and category not in CATEGORIES:
        problems.append(
            f"{source_path}: category 的值“{category}”不在规定范围内。允许的值：{'、'.join(CATEGORIES)}。"
        )
    return problems


def check_stories(stories: list[tuple[str, Mapping[str, Any]]]) -> None:
    """Raise one VocabularyError listing every violation in (source path, metadata) pairs."""
    problems = [p for path, metadata in stories for p in metadata_problems(metadata, path)]
    if problems:
        raise VocabularyError(
            "稿件元数据超出规定取值范围，请修改以下文件后重新构建：\n" + "\n".join(problems)
        )
