"""`make new TITLE="…"`: a story file started by hand, every metadata field filled or marked for the
editor, the vocabularies' choices as comments. Not a Pelican plugin: a plain function and a CLI."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify
from taxonomy.vocabulary import CATEGORIES, ORG_TYPES, REGIONS, STORY_CATEGORIES, names

CHINA_TIME = ZoneInfo("Asia/Shanghai")
STORIES_FOLDER = "stories"
SLUG_MAX_LENGTH = 60
# What the editor still has to write; the proofreading word list makes it a 严重 hit, so a story
# with it left in previews locally but cannot be published.
TO_FILL = "【待填写】"
_SLUG_LINE = re.compile(r"^Slug:\s*(\S+)\s*$", re.MULTILINE)


class NewStoryError(Exception):
    """The story cannot be written; the message says why and what to do."""


def story_slug(title: str) -> str:
    """An ASCII slug from the title (pinyin syllables, as Pelican makes category slugs), at most
    SLUG_MAX_LENGTH characters, cut between syllables."""
    slug = slugify(title, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
    if len(slug) > SLUG_MAX_LENGTH:
        slug = slug[: SLUG_MAX_LENGTH + 1].rsplit("-", 1)[0]
    return slug or "story"


def story_text(title: str, date: datetime, slug: str) -> str:
    """The new file's Markdown. Python-Markdown's meta block cannot hold comments, so the choices
    follow it as Markdown comments (`[//]: # (…)`), which no page shows."""
    default_category = STORY_CATEGORIES[0]
    return f"""Title: {title}
Date: {date:%Y-%m-%d %H:%M}
Category: {default_category}
Tags:
Slug: {slug}
Summary: {TO_FILL}一两句话的摘要，用在列表、订阅和公众号摘要里
Org: {TO_FILL}报送单位的全称
Org_type:
Region:
Cover:

[//]: # (以下几行是给编辑的说明，网站上不显示，填好后可以删去。)
[//]: # (Category 可选：{"、".join(CATEGORIES)})
[//]: # (Org_type 可选：{"、".join(names(ORG_TYPES))}；暂不确定可留空，显示为未标注)
[//]: # (Region 可选：{"、".join(names(REGIONS))}；暂不确定可留空)
[//]: # (Tags：用逗号分隔，如 物资保障, 复工复产。Cover：封面图，如 images/samples/trucks.jpg，可留空)
[//]: # (图片都要写说明文字：![志愿者在卡口登记]（图片地址）。)
[//]: # (经审核确需保留的错敏字写法：在上面加一行 Proofread_ok: 写法)
[//]: # (“{TO_FILL}”没有删完的稿件可以本地预览，但不能发布。)

{TO_FILL}正文……
"""


def existing_slugs(content: Path) -> dict[str, Path]:
    """Slug -> file of every story that sets one (read from the front matter only)."""
    slugs = {}
    for path in sorted(content.rglob("*.md")):
        with path.open(encoding="utf-8", errors="replace") as file:
            head = file.read(4096).split("\n\n", 1)[0]
        match = _SLUG_LINE.search(head)
        if match:
            slugs[match.group(1)] = path
    return slugs


def new_story(title: str, content: Path, now: datetime | None = None, slug: str | None = None) -> Path:
    """Write a new story under `content`/stories/ and return its path; never overwrites a file."""
    title = " ".join(title.split())
    if not title:
        raise NewStoryError('请给出标题：make new TITLE="标题"')
    date = (now or datetime.now(CHINA_TIME)).astimezone(CHINA_TIME)
    slug = slug or story_slug(title)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise NewStoryError(f"地址名（slug）“{slug}”只能用小写字母、数字和连字符，例如 nanjing-volunteers")
    path = content / STORIES_FOLDER / f"{date:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise NewStoryError(f"{path} 已经存在，没有覆盖它；请直接编辑它，或换一个标题或 SLUG=…")
    taken = existing_slugs(content).get(slug)
    if taken:
        raise NewStoryError(f"地址名（slug）“{slug}”已被 {taken} 使用；请用 SLUG=… 另起一个")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:  # "x": never overwrite, even in a race
        file.write(story_text(title, date, slug))
    return path
