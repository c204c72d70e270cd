"""Problems the check finds, and the short summary that names each page and what to do."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Problem:
    kind: str  # a key of KINDS
    page: str  # the file it is in, relative to the checked folder
    detail: str  # what is wrong, the same text on every page it is on
    item: str = ""  # in a feed: the ID of the item it is in, for `name_stories`


# kind -> (heading, what to do), each in Chinese then English; in the order the summary lists them.
KINDS: dict[str, tuple[str, str]] = {
    "tool": (
        "无法进行的检查 checks that could not run",
        "请安装提到的软件（make venv 安装 HTML 校验器；Java 是 Debian 的 default-jre-headless）。"
        "install what is named (make venv installs the validator; Debian's default-jre-headless is Java)",
    ),
    "link": (
        "指向不存在文件的链接和图片 links and images that lead nowhere",
        "在稿件的 Markdown 文件（或模板）里改正地址，再重新生成。"
        "fix the address in the story's Markdown file (or in the template), then build again",
    ),
    "anchor": (
        "页面上没有的锚点（#…）links to a place (#…) that the page does not have",
        "在稿件的 Markdown 文件（或模板）里改正 # 后面的部分，再重新生成。"
        "fix the part after # in the story's Markdown file (or in the template), then build again",
    ),
    "host": (
        "稿件正文以外引用了其他网站的文件 references to another host outside story text",
        "网站不从其他网站加载任何东西：把文件放进 content/images/ 再引用；外部链接只能写在稿件正文里。"
        "the site loads nothing from another host: put the file under content/images/ and use it from "
        "there; links to other sites belong in a story's text",
    ),
    "active": (
        "模板之外出现的脚本、事件、javascript: 地址或 iframe "
        "scripts, event handlers, javascript: addresses or iframes the theme did not put there",
        "重新生成一次（每篇稿件读入时都会清理）；如果还在，就从模板或它所在的文件里删掉。"
        "build again (every story is sanitized as it is read); if it stays, remove it from the template "
        "or the file it comes from",
    ),
    "markup": (
        "text fields of feed items (title, author, category, a text description) that a reader would "
        "render as markup",
        "build again (every story's text fields are made plain text as it is read); if it stays, write "
        "the field as plain text in the story's file",
    ),
    "feed": (
        "无法解析的订阅源和列表 feeds and lists that do not parse",
        "重新生成一次；如果还在，把文件名和错误发给技术维护人员。"
        "build again; if it stays, report the file and the error to whoever maintains the channels plugin",
    ),
    "html": (
        "不合规范的 HTML 页面 pages that are not valid HTML (W3C Nu validator)",
        "在稿件的 Markdown 文件或模板里所指的行改正手写的 HTML。"
        "fix the raw HTML in the story's Markdown file or the template at the line named",
    ),
}
PAGES_NAMED = 3
DETAILS_SHOWN = 20


def name_stories(problems: Iterable[Problem], sources: Mapping[str, str]) -> list[Problem]:
    """Each problem found in a feed item with the story file it came from (`sources`: item ID ->
    file under content/, as the build recorded them), so the editor knows which file to fix."""
    named = []
    for problem in problems:
        if problem.item:
            story = sources.get(problem.item)
            where = (
                f"story {story}" if story else f"item {problem.item}, a story the last build did not record"
            )
            problem = replace(problem, detail=f"{problem.detail} ({where})")
        named.append(problem)
    return named


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
        return f"检查通过 make check: {folder}: no problems ({checked}; {seconds:.1f} s)"
    total = sum(len(pages) for details in grouped.values() for pages in details.values())
    lines = [
        f"检查未通过：{folder} 有 {total:,} 处问题，每类问题下面写着怎么办。"
        f"make check: {folder}: {total:,} problems ({checked}; {seconds:.1f} s)"
    ]
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
