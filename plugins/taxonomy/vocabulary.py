"""The fixed vocabularies of the programme, in one place.

Organization types follow part one of notice 苏社管联办〔2020〕1号; submission kinds follow its
part four (信息稿件: 工作动态, 经验材料, 先进事迹); regions are Jiangsu's 13 prefecture-level
cities plus province level. Each term has an ASCII slug for its address.
"""

from typing import NamedTuple

UNLABELLED = "未标注"
UNLABELLED_SLUG = "unlabelled"


class Term(NamedTuple):
    name: str
    slug: str


ORG_TYPES: tuple[Term, ...] = (
    Term("行业协会商会", "trade-association"),
    Term("学术类社会组织", "academic"),
    Term("科技类社会组织", "science-technology"),
    Term("专业性社会组织", "professional"),
    Term("慈善组织", "charity"),
    Term("志愿服务组织", "volunteer"),
    Term("网络社会组织", "online"),
    Term("社会服务机构", "social-service"),
    Term("社区社会组织", "community"),
    Term("其他社会组织", "other"),
)

REGIONS: tuple[Term, ...] = (
    Term("省级", "province"),
    Term("南京市", "nanjing"),
    Term("无锡市", "wuxi"),
    Term("徐州市", "xuzhou"),
    Term("常州市", "changzhou"),
    Term("苏州市", "suzhou"),
    Term("南通市", "nantong"),
    Term("连云港市", "lianyungang"),
    Term("淮安市", "huaian"),
    Term("盐城市", "yancheng"),
    Term("扬州市", "yangzhou"),
    Term("镇江市", "zhenjiang"),
    Term("泰州市", "taizhou"),
    Term("宿迁市", "suqian"),
)

# Submission kinds asked for in part four, plus the office's own guidance documents.
STORY_CATEGORIES: tuple[str, ...] = ("工作动态", "经验做法", "先进典型")
GUIDANCE_CATEGORY = "政策指导"
CATEGORIES: tuple[str, ...] = (*STORY_CATEGORIES, GUIDANCE_CATEGORY)
FEATURED_CATEGORY = "先进典型"

# Story metadata fields checked against a vocabulary: field name -> allowed terms.
CHECKED_FIELDS: dict[str, tuple[Term, ...]] = {"org_type": ORG_TYPES, "region": REGIONS}


def names(terms: tuple[Term, ...]) -> list[str]:
    return [term.name for term in terms]


def slug_for(terms: tuple[Term, ...], name: str) -> str:
    """The slug of `name` in `terms`; the unlabelled slug for an empty name."""
    if not name:
        return UNLABELLED_SLUG
    for term in terms:
        if term.name == name:
            return term.slug
    raise KeyError(name)
