"""Stories that search tests add to the site (of later years, too): made like the bundled stories, with
the category, tags, organization type and region of existing ones, so that adding one changes only
story pages (and no tag or region listing that the subscribe page links to)."""


def story(slug: str, date: str, body: str) -> str:
    """The Markdown of a story published at `date` ("YYYY-MM-DD HH:MM"), found at stories/<year>/<slug>/."""
    return f"""Title: 慈善组织信息公开经验交流 {slug}
Date: {date}
Category: 先进典型
Tags: 慈善捐赠, 信息公开
Slug: {slug}
Summary: 慈善组织交流信息公开的做法。
Org: 徐州市慈善总会
Org_type: 慈善组织
Region: 徐州市

{body}
"""


def story_path(slug: str, date: str) -> str:
    """The story's address relative to the site root."""
    return f"stories/{date[:4]}/{slug}/"
