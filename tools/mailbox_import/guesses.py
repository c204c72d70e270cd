"""A story's metadata guessed from its mail: the subject's prefixes and the category they name, a
title from a document's first line or a file name, a summary from the lead paragraph, and the
organization, its type and region from the sender and the text, in the vocabulary's names.
"""

import re
from pathlib import PurePosixPath

from bs4 import BeautifulSoup
from taxonomy.vocabulary import ORG_TYPES, REGIONS, STORY_CATEGORIES, names

from .storyhtml import BLOCKS

SUMMARY_MAX_CHARS = 120
TITLE_MAX_CHARS = 40  # a title taken from the first line of a mail without a subject
# The notice's own words for each kind of submission (part four).
CATEGORY_WORDS = {
    "工作动态": ("工作动态", "信息稿件", "工作信息"),
    "经验做法": ("经验做法", "经验材料", "典型经验"),
    "先进典型": ("先进典型", "先进事迹", "事迹材料"),
}
CATEGORY_OF_WORD = {word: category for category, words in CATEGORY_WORDS.items() for word in words}
SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:回复|答复|转发|Re|RE|re|Fw|FW|Fwd|FWD|fwd|AW|WG|TR)\s*(?:\[\d+\])?\s*[:：]"
    r"|【[^】]{0,12}】|\[(?:投稿|来稿|稿件)\]|(?:投稿|来稿|" + "|".join(CATEGORY_OF_WORD) + r")\s*[:：])\s*"
)
ORG_NAME = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9（）()·]{2,30}?"
    r"(?:协会|商会|学会|研究会|基金会|促进会|联合会|慈善总会|慈善会|服务中心|服务社|服务队|服务站|研究院)"
)

ORG_LINE = re.compile(r"(?:供稿|投稿|报送|来稿)单位\s*[:：]\s*([\u4e00-\u9fffA-Za-z（）()·]{2,40})")
# Words in an organization's name that make its type clear. Type names come from the vocabulary.
ORG_TYPE_WORDS = {
    "行业协会商会": ("商会", "行业协会", "同业公会"),
    "学术类社会组织": ("学会", "研究会"),
    "科技类社会组织": ("科技", "科学技术"),
    "慈善组织": ("基金会", "慈善"),
    "志愿服务组织": ("志愿", "义工"),
    "社会服务机构": ("社会工作服务", "社工", "服务中心", "服务社"),
    "社区社会组织": ("社区",),
    "网络社会组织": ("网络", "互联网"),
}
assert set(ORG_TYPE_WORDS) <= set(names(ORG_TYPES)), "ORG_TYPE_WORDS must use vocabulary names"
assert set(CATEGORY_WORDS) == set(STORY_CATEGORIES), "CATEGORY_WORDS must cover the story categories"


def clean_subject(subject: str) -> tuple[str, str]:
    """The subject without reply/forward/submission prefixes, and a category named in a 【…】 prefix."""
    category = ""
    while True:
        match = SUBJECT_PREFIX.match(subject)
        if not match or not match.group(0).strip():
            break
        tag = match.group(0).strip().strip("【】:：").strip()
        category = CATEGORY_OF_WORD.get(tag, category)
        subject = subject[match.end() :]
    return subject.strip(), category


def take_heading(soup: BeautifulSoup) -> str:
    """A document's first line when it reads as its title (short, no full stop): removed from the body
    and returned; "" when the document starts straight with its text."""
    first = next(
        (tag for tag in soup.find_all(BLOCKS) if tag.get_text(strip=True) and not tag.find(BLOCKS)), None
    )
    if first is None or first.name not in ("p", "div", "h2", "h3", "h4") or first.find_parent(BLOCKS):
        return ""
    text = " ".join(first.get_text().split())
    if len(text) > TITLE_MAX_CHARS or text.endswith(("。", "！", "；", ".")):
        return ""
    first.decompose()
    return text


def file_title(name: str) -> str:
    """A title from a file name: "协会稿件(1).docx" -> "协会稿件"."""
    stem = PurePosixPath(name).stem
    return re.sub(r"\s*([(（]\d+[)）]|-?\s*副本)$", "", stem).strip() or stem


def lead_paragraph(soup: BeautifulSoup) -> str:
    """The first paragraph with some substance, whole (it is masked before it is shortened)."""
    for paragraph in soup.find_all(["p", "li", "div"]):
        # Inline tags join without a space, as they render: a space would split a number or address.
        text = " ".join(paragraph.get_text().split())
        if len(text) >= 10:
            return text
    return ""


def shortened(text: str) -> str:
    """At most SUMMARY_MAX_CHARS, ending at a sentence where one ends late enough."""
    if len(text) <= SUMMARY_MAX_CHARS:
        return text
    cut = text[:SUMMARY_MAX_CHARS]
    end = max(cut.rfind("。"), cut.rfind("！"), cut.rfind("；"))
    return cut[: end + 1] if end > 20 else cut + "……"


def guess_org(sender_name: str, text: str) -> str:
    if ORG_NAME.fullmatch(sender_name.strip()):
        return sender_name.strip()
    line = ORG_LINE.search(text)
    if line:
        return line.group(1).strip("。，,.；;")
    found = ORG_NAME.search(text)
    return found.group(0) if found else ""


def _only_one(matches: set[str]) -> str:
    return next(iter(matches)) if len(matches) == 1 else ""


def guess_org_type(org: str) -> str:
    return _only_one({kind for kind, words in ORG_TYPE_WORDS.items() if any(w in org for w in words)})


def _regions_in(text: str) -> set[str]:
    return {term.name for term in REGIONS[1:] if term.name.removesuffix("市") in text}


def guess_region(org: str, text: str) -> str:
    region = _only_one(_regions_in(org))
    if region:
        return region
    if org.startswith("江苏省") and not _regions_in(org):
        return REGIONS[0].name
    return _only_one(_regions_in(text))


def guess_category(subject_category: str, subject: str, text: str) -> str:
    if subject_category:
        return subject_category
    for source in (subject, text):
        found = _only_one({kind for kind, words in CATEGORY_WORDS.items() if any(w in source for w in words)})
        if found:
            return found
    return ""
