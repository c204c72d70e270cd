"""Synthetic stories in the site's content model, for the benchmarks: shared by scale.py, feeds.py and
search.py.

Story number n is the same at every site size and on every run (its own seeded random generator), so a
site of 10,000 stories is the site of 1,000 plus 9,000 more. Each story has every field of README.md
"Writing a story" (Org_type and Region from plugins/taxonomy/vocabulary.py), a date in 2020-2023, one to
three tags from a vocabulary of a few hundred, about 1,500 Chinese characters of body in several sections
with paragraphs, a bulleted and a numbered list, a link, and for most stories one or two photos; three in
five have a Cover. Every story's photos are its own (distinct bytes, as submissions are), 1600x1200 JPEGs
drawn from one of PHOTO_BACKGROUNDS backgrounds with shapes of their own; the story an editor adds
(`added_story`) carries six 4032x3024 photos as a phone sends them (`phone_photo`). Issue 18's story of
six phone photos on the sample site (`write_phone_story`) is shared by its tests and bench/lighthouse.py.

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
PHOTO_BACKGROUNDS = 20
PHOTO_SIZE = (1600, 1200)
PHONE_PHOTOS = 6  # the added story's, as in issue 18
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
    photos: tuple[str, ...] = ()  # its own photos, paths under content/ (the cover among them)
    phone_photos: bool = False  # True: 4032x3024 phone photos, else PHOTO_SIZE

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


def _body(rng: random.Random, org: str, tags: tuple[str, ...], photos: tuple[str, ...]) -> str:
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
        # The photos after the sections, the rest after the last one (the added story has six).
        for photo in photos[number : number + 1] if number < 2 else photos[number:]:
            blocks.append(f"![{rng.choice(PHOTO_ALTS)}]({{static}}/{photo})")
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
    photos = tuple(f"{PHOTO_FOLDER}/{number:05d}-{index}.jpg" for index in range(rng.choice((0, 1, 1, 2))))
    cover = (photos[0] if photos else f"{PHOTO_FOLDER}/{number:05d}-cover.jpg") if rng.random() < 0.6 else ""
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
        cover=cover,
        body=_body(rng, org, tags, photos),
        photos=tuple(dict.fromkeys([*photos, *([cover] if cover else [])])),
    )


def added_story(number: int) -> Story:
    """The story an editor adds to a site of `number` stories: the newest, the same at every size but for
    its number and file name, so that what it changes depends on the site's size only."""
    photos = tuple(f"{PHOTO_FOLDER}/added-{index}.jpg" for index in range(PHONE_PHOTOS))
    base = story(-1)
    body = _body(random.Random(f"{SEED}-added"), base.org, base.tags, photos)
    return replace(
        base, number=number, date=LAST_DATE + timedelta(hours=1), slug="bench-added", cover=photos[0],
        body=body, photos=photos, phone_photos=True,
    )  # fmt: skip


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


@cache
def _backgrounds() -> tuple:
    """PHOTO_BACKGROUNDS colour fields with shapes, blurred: what each story's photo is drawn on."""
    from PIL import Image, ImageDraw, ImageFilter

    made = []
    for number in range(PHOTO_BACKGROUNDS):
        rng = random.Random(f"{SEED}-photo-{number}")
        top, bottom = ([rng.randrange(256) for _ in range(3)] for _ in range(2))
        gradient = Image.linear_gradient("L").resize(PHOTO_SIZE)
        image = Image.composite(
            Image.new("RGB", PHOTO_SIZE, tuple(bottom)), Image.new("RGB", PHOTO_SIZE, tuple(top)), gradient
        )
        _shapes(ImageDraw.Draw(image), rng, 40)
        width, height = PHOTO_SIZE
        grain = Image.frombytes("L", PHOTO_SIZE, rng.randbytes(width * height)).convert("RGB")
        made.append(Image.blend(image.filter(ImageFilter.GaussianBlur(3)), grain, 0.12))
    return tuple(made)


def _shapes(draw: "ImageDraw.ImageDraw", rng: random.Random, count: int) -> None:  # noqa: F821
    width, height = PHOTO_SIZE
    for _ in range(count):
        x, y = rng.randrange(width), rng.randrange(height)
        size = rng.randint(20, 300)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x, y, x + size, y + size * rng.uniform(0.3, 1.5)), fill=colour)


def story_photo(name: str) -> bytes:
    """The JPEG of a story's photo `name`: a grainy background with shapes of its own (so every
    photo is distinct and compresses like a photograph), at quality 85."""
    import io

    from PIL import ImageDraw

    rng = random.Random(f"{SEED}-{name}")
    image = _backgrounds()[rng.randrange(PHOTO_BACKGROUNDS)].copy()
    _shapes(ImageDraw.Draw(image), rng, 8)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def phone_photo(seed: int) -> bytes:
    """A 4032x3024 JPEG at a phone camera's quality 90, about 3 MB like issue 18's. Its detail falls off
    with its scale as a photo's does (random layers from 32x24 to full size, each finer one weaker), so
    it shrinks about as a photo does: a plain noise picture would shrink far worse, a flat one far
    better."""
    import io

    from PIL import Image

    rng = random.Random(seed)
    size = (4032, 3024)
    layers = (((32, 24), 8, "RGB"), ((126, 95), 4, "RGB"), ((252, 189), 2, "RGB"), ((1008, 756), 1, "L"),
              ((4032, 3024), 0.8, "L"))  # fmt: skip
    picture, total = None, 0.0
    for (width, height), weight, mode in layers:
        noise = Image.frombytes(mode, (width, height), rng.randbytes(width * height * len(mode)))
        layer = noise.resize(size, Image.Resampling.BICUBIC).convert("RGB")
        total += weight
        picture = layer if picture is None else Image.blend(picture, layer, weight / total)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def _write_photo(task: tuple[Path, str, int | None]) -> None:
    path, name, phone_seed = task
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(story_photo(name) if phone_seed is None else phone_photo(phone_seed))


def write_photos(content: Path, stories: list[Story]) -> None:
    """The stories' photos under `content`, unless already there (they never change), on every core."""
    import multiprocessing
    import os

    tasks = [
        (content / name, name, index + 1 if each.phone_photos else None)
        for each in stories
        for index, name in enumerate(each.photos)
        if not (content / name).exists()
    ]
    _backgrounds()  # drawn once, before the workers fork
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
        pool.map(_write_photo, tasks, chunksize=64)


def write_stories(content: Path, count: int) -> list[Story]:
    """Stories 0 … count-1 into content/stories/bench/, their photos into content/images/bench/."""
    folder = content / STORY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = [story(number) for number in range(count)]
    write_photos(content, written)
    for each in written:
        (folder / each.filename).write_text(pelican_markdown(each), encoding="utf-8")
    return written


PHONE_STORY_SLUG = "six-phone-photos"
PHONE_STORY_PATH = f"stories/2020/{PHONE_STORY_SLUG}/"
PHONE_STORY = """Title: 六张手机照片的稿件
Date: 2020-03-01 10:00
Category: 工作动态
Slug: six-phone-photos
Summary: 志愿者服务队开展社区服务，随稿附手机拍摄的现场照片六张。
Org: 测试志愿者协会
Region: 南京市

志愿者服务队开展社区服务，协助社区做好出入登记、物资配送和困难群众走访工作。

服务队共组织志愿者一百二十人次，分三班轮流值守，确保每个卡口全天有人。

{photos}
"""


def write_phone_story(content: Path) -> None:
    """Issue 18's story into a copy of the content folder: six phone photos, each with a caption; it is
    published at PHONE_STORY_PATH."""
    photos = content / "images" / "phone"
    photos.mkdir(parents=True)
    parts = []
    for number in range(1, PHONE_PHOTOS + 1):
        (photos / f"photo-{number}.jpg").write_bytes(phone_photo(number))
        parts.append(
            f"![现场照片第{number}张]({{static}}/images/phone/photo-{number}.jpg)\n\n第{number}张照片的说明文字。"
        )
    (content / "stories" / "2020-03-01-six-phone-photos.md").write_text(
        PHONE_STORY.format(photos="\n\n".join(parts)), encoding="utf-8"
    )
