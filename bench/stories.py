"""Synthetic stories in the site's content model, for the benchmarks: shared by scale.py, feeds.py and
search.py.

Story number n is the same at every site size and on every run (its own seeded random generator), so a
site of 10,000 stories is the site of 1,000 plus 9,000 more. Each story has every field of README.md
"Writing a story" (Org_type and Region from plugins/taxonomy/vocabulary.py), a date in 2020-2023, one to
three tags from a vocabulary of a few hundred, about 1,500 Chinese characters of body in several sections
with paragraphs, a bulleted and a numbered list, a link, and for most stories one or two photos; three in
five have a Cover. Photos are a handful of distinct JPEGs of a realistic size, drawn once per folder.

This module imports nothing else from bench/, so tests can import it as `bench.stories`.
"""

import random
import re
import sys
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "plugins") not in sys.path:
    sys.path.append(str(ROOT / "plugins"))

from taxonomy.vocabulary import ORG_TYPES, REGIONS, STORY_CATEGORIES  # noqa: E402

SEED = 2020
PHOTO_COUNT = 20
PHOTO_SIZE = (1200, 800)
# Relative to the content folder: where photos go and how stories name them.
PHOTO_FOLDER = "images/bench"
STORY_FOLDER = "stories/bench"
BODY_CHARACTERS = 1500
FIRST_DATE = datetime(2020, 1, 1, 8, 0)
LAST_DATE = datetime(2023, 12, 31, 18, 0)

# Tags are a field joined with an action ("社区防控"): a few hundred, a few of them popular.
TAG_FIELDS = [
    "社区",
    "物流",
    "医疗",
    "教育",
    "养老",
    "法律",
    "科技",
    "农业",
    "餐饮",
    "商贸",
    "交通",
    "文化",
    "体育",
    "旅游",
    "金融",
    "建筑",
    "制造",
    "心理",
    "慈善",
    "志愿",
    "网络",
    "环保",
    "家政",
    "物业",
    "外贸",
]
TAG_ACTIONS = [
    "防控",
    "保障",
    "服务",
    "帮扶",
    "援助",
    "宣传",
    "复工",
    "捐赠",
    "培训",
    "调度",
    "科普",
    "协作",
    "监测",
    "消杀",
    "关爱",
]
TAG_COUNT = 300
ORG_SUFFIXES = {
    "行业协会商会": ("协会", "商会"),
    "学术类社会组织": ("学会", "研究会"),
    "科技类社会组织": ("科技协会", "技术研究会"),
    "专业性社会组织": ("专业委员会", "联合会"),
    "慈善组织": ("慈善基金会", "慈善会"),
    "志愿服务组织": ("志愿者协会", "志愿服务队"),
    "网络社会组织": ("网络协会", "网络文化协会"),
    "社会服务机构": ("社会工作服务中心", "服务中心"),
    "社区社会组织": ("社区服务社", "邻里互助会"),
    "其他社会组织": ("促进会", "联谊会"),
}
TITLES = ("{org}开展{tag}工作", "{org}多措并举做好{tag}", "{org}助力{tag}的做法", "{org}：{tag}见实效")
PHOTO_ALTS = (
    "志愿者在社区卡口登记",
    "工作人员清点防疫物资",
    "会员单位召开视频会议",
    "志愿者为老人送去生活物资",
)
LINKS = (
    ("江苏省民政厅", "https://mzt.jiangsu.gov.cn/"),
    ("中国社会组织政务服务平台", "https://chinanpo.mca.gov.cn/"),
)
NUMERALS = "一二三四五六七八九"


@dataclass(frozen=True)
class Story:
    number: int
    title: str
    date: datetime
    category: str
    tags: tuple[str, ...]
    slug: str
    summary: str
    org: str
    wechat_author: str  # the organization's short name, within WeChat's 8 characters
    org_type: str
    region: str
    cover: str  # a path under content/, or "" for none
    body: str  # Markdown; images as {static}/images/bench/…

    @property
    def filename(self) -> str:
        return f"{self.number:05d}.md"


@cache
def sentences() -> tuple[str, ...]:
    """Real sentences from the bundled stories, so that synthetic bodies have a realistic vocabulary."""
    found = []
    for story in sorted((ROOT / "content" / "stories").glob("*.md")):
        body = story.read_text(encoding="utf-8").split("\n\n", 1)[1]
        for paragraph in body.split("\n\n"):
            if paragraph[:1] in "#!-|*0123456789":
                continue
            found += [
                s.strip() + "。"
                for s in paragraph.split("。")
                if len(s.strip()) > 10 and "\n" not in s and s.count("“") == s.count("”")
            ]
    return tuple(found)


@cache
def tag_vocabulary() -> tuple[str, ...]:
    """TAG_COUNT tags, each with its own address (no two alike once Pelican turns them into pinyin)."""
    from pelican.utils import slugify

    combinations = [field + action for field in TAG_FIELDS for action in TAG_ACTIONS]
    random.Random(SEED).shuffle(combinations)
    tags, slugs = [], set()
    for tag in combinations:
        if slugify(tag) not in slugs:
            slugs.add(slugify(tag))
            tags.append(tag)
    return tuple(tags[:TAG_COUNT])


def _sentence(rng: random.Random, org: str, tag: str) -> str:
    """A sentence of a bundled story, or one in two times a sentence about this story's organization."""
    if rng.random() < 0.5:
        return rng.choice(sentences())
    figure = rng.randint(12, 9_000)
    return rng.choice(
        (
            f"{org}围绕{tag}组织会员单位{figure % 97 + 3}家，累计服务群众{figure}人次。",
            f"截至目前，{org}已投入资金{figure}元，发放口罩、消毒液等物资{figure // 3 + 5}件。",
            f"在{tag}中，{org}坚持线上线下结合，做到需求早发现、问题早解决、服务早跟进。",
            f"据统计，{figure % 300 + 20}名志愿者参与{tag}，连续工作{figure % 60 + 7}天。",
        )
    )


def _paragraph(rng: random.Random, org: str, tag: str) -> str:
    return "".join(_sentence(rng, org, tag) for _ in range(rng.randint(3, 5)))


def _body(rng: random.Random, org: str, tags: tuple[str, ...], photos: int) -> str:
    """About BODY_CHARACTERS Chinese characters: sections of paragraphs, two lists, a link, the photos."""
    tag = tags[0]
    blocks = [_paragraph(rng, org, tag)]
    name, address = rng.choice(LINKS)
    blocks.append(f"{org}的做法得到了主管部门肯定，相关政策可在[{name}]({address})查阅。")
    for number in range(3):
        blocks.append(f"## {NUMERALS[number]}、{rng.choice(tags)}{rng.choice(('做法', '成效', '经验'))}")
        blocks += [_paragraph(rng, org, tag) for _ in range(rng.randint(1, 2))]
        if number == 0:
            blocks.append("\n".join(f"- {_sentence(rng, org, tag)}" for _ in range(3)))
        if number == 1:
            blocks.append("\n".join(f"{item}. {_sentence(rng, org, tag)}" for item in range(1, 4)))
        if number < photos:
            photo = rng.randrange(PHOTO_COUNT)
            blocks.append(f"![{rng.choice(PHOTO_ALTS)}]({{static}}/{PHOTO_FOLDER}/photo-{photo:02d}.jpg)")
    while chinese_characters("".join(blocks)) < BODY_CHARACTERS:
        blocks.append(_paragraph(rng, org, tag))
    return "\n\n".join(blocks)


def chinese_characters(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def story(number: int) -> Story:
    """Story number `number`: the same on every call."""
    rng = random.Random(f"{SEED}-{number}")
    org_type = rng.choice(ORG_TYPES).name
    region = rng.choice(REGIONS).name
    place = "江苏省" if region == "省级" else region
    field = rng.choice(TAG_FIELDS)
    suffix = rng.choice(ORG_SUFFIXES[org_type])
    org = f"{place}{field}{suffix}"
    vocabulary = tag_vocabulary()
    # Popular tags first: weights fall with the tag's rank, as real tagging does.
    tags = tuple(
        dict.fromkeys(rng.choices(vocabulary, [1 / (rank + 1) for rank in range(len(vocabulary))], k=3))
    )
    tags = tags[: rng.randint(1, 3)]
    date = FIRST_DATE + timedelta(minutes=rng.randrange(int((LAST_DATE - FIRST_DATE).total_seconds() // 60)))
    photos = rng.choice((0, 1, 1, 2))
    return Story(
        number=number,
        title=rng.choice(TITLES).format(org=org, tag=tags[0]),
        date=date,
        category=rng.choice(STORY_CATEGORIES),
        tags=tags,
        slug=f"bench-{number:05d}",
        summary=rng.choice(sentences())[:100],
        org=org,
        wechat_author=f"{place[:2]}{field}{suffix[-2:]}",
        org_type=org_type,
        region=region,
        cover=f"{PHOTO_FOLDER}/photo-{rng.randrange(PHOTO_COUNT):02d}.jpg" if rng.random() < 0.6 else "",
        body=_body(rng, org, tags, photos),
    )


def added_story(number: int) -> Story:
    """The story an editor adds to a site of `number` stories: the newest, the same at every size but for
    its number and file name, so that what it changes depends on the site's size only."""
    return replace(story(-1), number=number, date=LAST_DATE + timedelta(hours=1), slug="bench-added")


def edited(original: Story) -> Story:
    """The same story with a paragraph added to its body."""
    return replace(
        original, body=original.body + "\n\n（编辑补充）" + _paragraph(random.Random(0), original.org, "修改")
    )


def pelican_markdown(story: Story) -> str:
    lines = [
        f"Title: {story.title}",
        f"Date: {story.date:%Y-%m-%d %H:%M}",
        f"Category: {story.category}",
        f"Tags: {', '.join(story.tags)}",
        f"Slug: {story.slug}",
        f"Summary: {story.summary}",
        f"Org: {story.org}",
        f"Wechat_author: {story.wechat_author}",
        f"Org_type: {story.org_type}",
        f"Region: {story.region}",
    ]
    if story.cover:
        lines.append(f"Cover: {story.cover}")
    return "\n".join(lines) + "\n\n" + story.body + "\n"


def write_photos(folder: Path) -> None:
    """PHOTO_COUNT distinct JPEGs (colour fields, shapes and grain, so they compress like photographs)."""
    from PIL import Image, ImageDraw, ImageFilter

    folder.mkdir(parents=True, exist_ok=True)
    for number in range(PHOTO_COUNT):
        path = folder / f"photo-{number:02d}.jpg"
        if path.exists():
            continue
        rng = random.Random(f"{SEED}-photo-{number}")
        width, height = PHOTO_SIZE
        top, bottom = ([rng.randrange(256) for _ in range(3)] for _ in range(2))
        gradient = Image.linear_gradient("L").resize(PHOTO_SIZE)
        image = Image.composite(
            Image.new("RGB", PHOTO_SIZE, tuple(bottom)), Image.new("RGB", PHOTO_SIZE, tuple(top)), gradient
        )
        draw = ImageDraw.Draw(image)
        for _ in range(40):
            x, y = rng.randrange(width), rng.randrange(height)
            size = rng.randint(20, 300)
            colour = tuple(rng.randrange(256) for _ in range(3))
            shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
            shape((x, y, x + size, y + size * rng.uniform(0.3, 1.5)), fill=colour)
        image = image.filter(ImageFilter.GaussianBlur(3))
        grain = Image.frombytes("L", PHOTO_SIZE, rng.randbytes(width * height)).convert("RGB")
        Image.blend(image, grain, 0.12).save(path, "JPEG", quality=85)


def write_stories(content: Path, count: int) -> list[Story]:
    """Stories 0 … count-1 into content/stories/bench/, their photos into content/images/bench/."""
    write_photos(content / PHOTO_FOLDER)
    folder = content / STORY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = [story(number) for number in range(count)]
    for each in written:
        (folder / each.filename).write_text(pelican_markdown(each), encoding="utf-8")
    return written
