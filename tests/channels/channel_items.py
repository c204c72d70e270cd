"""FeedItems for unit tests of the channel writers, without a Pelican build."""

from dataclasses import replace
from datetime import datetime
from typing import Any

from channels.model import BODY_FIELDS, CHANNELS, FeedItem, ItemBody
from siterules.clock import site_timezone

SITE = "https://shzz.example.gov.cn"


def _base_item() -> FeedItem:
    published = datetime(2020, 2, 18, 10, 30, tzinfo=site_timezone({}))
    return FeedItem(
        id="urn:uuid:00000000-0000-5000-8000-000000000001",
        title="物流协会搭建应急运力对接平台",
        url=f"{SITE}/stories/2020/nanjing-logistics/",
        path="stories/2020/nanjing-logistics/",
        published=published,
        updated=published,
        author="南京市物流协会",
        category="经验做法",
        category_slug="jing-yan-zuo-fa",
        tags=("物资保障", "复工复产"),
        tag_slugs=("wu-zi-bao-zhang", "fu-gong-fu-chan"),
        org_type="",
        org_type_slug="unlabelled",
        region="南京市",
        region_slug="nanjing",
        channels=CHANNELS,
        source_path="stories/2020-02-18-nanjing-logistics.md",
        is_sample=True,
        wechat_author=None,
        wechat_digest=None,
        weibo_text=None,
        body=ItemBody(
            content_html="<p>正文。</p>",
            summary_html="<p>协会整合会员单位车辆与仓储资源，保障物资运输畅通。</p>",
            summary_text="协会整合会员单位车辆与仓储资源，保障物资运输畅通。",
            image=None,
            images=(),
        ),
    )


def make_item(**changes: Any) -> FeedItem:
    """A FeedItem for a plain sample story; keyword arguments replace any field, the body's too."""
    base = _base_item()
    body_changes = {name: changes.pop(name) for name in BODY_FIELDS & changes.keys()}
    return replace(base, body=replace(base.made_body(), **body_changes), **changes)
