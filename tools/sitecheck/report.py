"""Problems the check finds, and the short summary that names each page and what to do."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    kind: str  # a key of KINDS
    page: str  # the file it is in, relative to the checked folder
    detail: str  # what is wrong, the same text on every page it is on


# kind -> (heading, what to do); in the order the summary lists them.
KINDS: dict[str, tuple[str, str]] = {
    "tool": (
        "checks that could not run",
        "install what is named (make venv installs the validator; Debian's default-jre-headless is Java)",
    ),
    "link": (
        "links and images that lead nowhere",
        "fix the address in the story's Markdown file (or in the template), then build again",
    ),
    "anchor": (
        "links to a place (#…) that the page does not have",
        "fix the part after # in the story's Markdown file (or in the template), then build again",
    ),
    "host": (
        "references to another host outside story text",
        "the site loads nothing from another host: put the file under content/images/ and use it from "
        "there; links to other sites belong in a story's text",
    ),
    "active": (
        "scripts, event handlers, javascript: addresses or iframes the theme did not put there",
        "build again (every story is sanitized as it is read); if it stays, remove it from the template "
        "or the file it comes from",
    ),
    "feed": (
        "feeds and lists that do not parse",
        "build again; if it stays, report the file and the error to whoever maintains the channels plugin",
    ),
    "html": (
        "pages that are not valid HTML (W3C Nu validator)",
        "fix the raw HTML in the story's Markdown file or the template at the line named",
    ),
}
PAGES_NAMED = 3
DETAILS_SHOWN = 20


def group(problems: Iterable[Problem]) -> dict[str, dict[str, list[str]]]:
    """kind -> detail -> the pages it is on, in the order of KINDS, details and pages sorted."""
    grouped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for problem in problems:
        grouped[problem.kind][problem.detail].append(problem.page)
    return {
        kind: {detail: sorted(set(pages)) for detail, pages in sorted(grouped[kind].items())}
        for kind in KINDS
        if kind in grouped
    }


def _where(pages: list[str]) -> str:
    named = ", ".join(pages[:PAGES_NAMED])
    more = len(pages) - PAGES_NAMED
    return f"{named} and {more:,} more pages" if more > 0 else named


def summary(folder: str, counts: dict[str, int], problems: list[Problem], seconds: float) -> str:
    """The check's report: one line when all is well, else each kind of problem with what to do."""
    checked = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    grouped = group(problems)
    if not grouped:
        return f"make check: {folder}: no problems ({checked}; {seconds:.1f} s)"
    total = sum(len(pages) for details in grouped.values() for pages in details.values())
    lines = [f"make check: {folder}: {total:,} problems ({checked}; {seconds:.1f} s)"]
    for kind, details in grouped.items():
        heading, what_to_do = KINDS[kind]
        lines.append(f"\n{heading} ({sum(len(pages) for pages in details.values()):,}): {what_to_do}")
        for detail, pages in list(details.items())[:DETAILS_SHOWN]:
            lines.append(f"  {_where(pages)}: {detail}")
        if len(details) > DETAILS_SHOWN:
            lines.append(
                f"  … and {len(details) - DETAILS_SHOWN:,} more of this kind (all in the full report)"
            )
    return "\n".join(lines)


def full_report(problems: list[Problem]) -> str:
    """Every problem on its own line: page, kind, detail."""
    return "".join(
        f"{p.page}\t{p.kind}\t{p.detail}\n" for p in sorted(problems, key=lambda p: (p.page, p.kind))
    )
