from zoneinfo import ZoneInfo

import markdown
import pytest
from bs4 import BeautifulSoup
from mailbox_import.convert import convert
from mailbox_import.guesses import clean_subject
from mailbox_import.mailparts import BadMessage
from mailcorpus import b64, docx, jpeg_with_gps, message, multipart, part, text_part
from PIL import Image
from sanitizer.fields import plain_text

PUBLIC = ("jsmzshzz@163.com",)
CHINA = ZoneInfo("Asia/Shanghai")
STORY = "南京市测试志愿者协会组织志愿者开展社区防疫宣传，累计服务居民三百余人次，发放宣传资料两千份。"


def story_of(raw: bytes):
    return convert(raw, "images/submissions", PUBLIC, zone=CHINA)


def rendered(raw: bytes) -> str:
    return markdown.markdown(story_of(raw).body)


# --- text, HTML, .docx ---------------------------------------------------------------------------


def test_plain_text_becomes_paragraphs():
    story = story_of(message(f"{STORY}\n第二段。"))
    assert STORY in story.body and "第二段。" in story.body
    assert story.summary == STORY


def test_html_is_sanitized_and_escaped_text_stays_text():
    html = (
        f"<p>{STORY}</p><script>alert(1)</script><p onclick='x()'>点击"
        "<a href='javascript:alert(2)'>这里</a></p><p>&lt;script&gt;alert(3)&lt;/script&gt;</p>"
        "<p>&lt;img src=x onerror=alert(4)&gt;</p><iframe src='https://evil.example/'></iframe>"
    )
    page = rendered(message(html, content_type="text/html; charset=utf-8"))
    assert STORY in page
    assert "<script" not in page and "onclick" not in page and "javascript:" not in page
    assert "<img" not in page and "<iframe" not in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page  # shown as text, as the sender typed it


def test_mail_client_div_paragraphs_and_word_headings_stay_apart():
    # QQ Mail and Foxmail write one <div> per paragraph inside a wrapper <div>; Word headings are <h1>.
    html = (
        f'<div style="font-size:14px"><div>{STORY}</div><div><br></div><div>第二段：电话13812345678、'
        "13987654321。</div><h1>一、基本情况</h1><div>第三段。</div><div>发自我的iPhone</div></div>"
    )
    story = story_of(message(html, content_type="text/html; charset=utf-8"))
    page = markdown.markdown(story.body)
    paragraphs = [p for p in page.split("\n") if p.startswith("<p>")]
    assert paragraphs[0] == f"<p>{STORY}</p>"
    assert "<h2>一、基本情况</h2>" in page and "<h1>" not in page
    assert "<p>第三段。</p>" in page and "iPhone" not in page
    assert story.summary == STORY


def test_summary_with_two_masked_numbers_is_not_read_as_emphasis():
    story = story_of(
        message("协会开通热线13812345678和13987654321，为居民提供咨询服务，已接听来电两百余次。")
    )
    summary = markdown.markdown(story.summary)
    assert "<em>" not in summary and "<strong>" not in summary
    assert "138****5678" in summary and "139****4321" in summary


def test_markdown_syntax_in_plain_text_is_not_interpreted():
    page = rendered(message(f"{STORY}\n[点我](javascript:alert(1)) *强调* <b>粗</b>"))
    assert "<a" not in page and "<em>" not in page and "<b>" not in page


def test_docx_is_the_story_when_the_body_is_a_cover_note():
    raw = multipart(
        [
            text_part("编辑老师好，稿件见附件，请审阅。"),
            part(docx([STORY, "第二段来自附件。"]), 'application/octet-stream; name="story.docx"'),
        ]
    )
    story = story_of(raw)
    assert STORY in story.body and "第二段来自附件。" in story.body
    assert "稿件见附件" not in story.body


def test_docx_joins_a_body_that_is_a_story_itself():
    long_body = STORY * 5
    raw = multipart(
        [text_part(long_body), part(docx(["附件补充材料。"]), "application/octet-stream; name=a.docx")]
    )
    story = story_of(raw)
    assert STORY in story.body and "附件补充材料。" in story.body


def test_html_alternative_is_preferred_over_plain():
    raw = multipart(
        [text_part("纯文本版本" + STORY), text_part("<p>网页版本" + STORY + "</p>", "html")], "alternative"
    )
    body = story_of(raw).body
    assert "网页版本" in body and "纯文本版本" not in body


# --- quoted replies and signatures --------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        "------------------ 原始邮件 ------------------\n发件人: 编辑部\n引用内容",
        "-----Original Message-----\nFrom: editor\n引用内容",
        "在 2020年2月18日 上午10:00，编辑部 <jsmzshzz@163.com> 写道：\n引用内容",
        "On Tue, Feb 18, 2020 at 10:00 AM editor wrote:\n引用内容",
        "-- \n张三\n某协会秘书长\n引用内容",
        "发自我的iPhone\n引用内容",
        "> 引用内容",
    ],
)
def test_quoted_replies_and_signatures_are_cut_and_the_editor_is_told(tail):
    story = story_of(message(f"{STORY}\n\n{tail}"))
    assert "引用内容" not in story.body and STORY in story.body
    assert any("删去" in note and "请核对原邮件" in note for note in story.notes)
    html = f"<div><p>{STORY}</p><div>{tail.replace(chr(10), '<br>')}</div></div>"
    assert "引用内容" not in story_of(message(html, content_type="text/html; charset=utf-8")).body


def test_dashes_inside_a_sentence_are_not_a_signature():
    story = story_of(message(f"{STORY}\n活动分三个阶段 -- 宣传、排查、服务。"))
    assert "宣传、排查、服务" in story.body
    assert not any("删去" in note for note in story.notes)


def test_a_quotation_inside_the_story_is_not_a_reply_header():
    text = f"{STORY}\n在抗疫日记中，队长李明写道：\n“我们一定能赢。”\n这是全文最后一段。"
    story = story_of(message(text))
    assert "这是全文最后一段" in story.body
    assert not any("删去" in note for note in story.notes)


@pytest.mark.parametrize(
    ("subject", "title", "category"),
    [
        ("回复: 转发: 【投稿】社区防疫宣传", "社区防疫宣传", ""),
        ("Re: Fwd: RE:社区防疫宣传", "社区防疫宣传", ""),
        ("【先进典型】守夜人", "守夜人", "先进典型"),
        ("经验材料：三联动机制", "三联动机制", "经验做法"),
        ("转发：【工作动态】物资捐赠", "物资捐赠", "工作动态"),
        ("关于“回复:”一词的用法", "关于“回复:”一词的用法", ""),
    ],
)
def test_subject_prefixes_are_cleaned(subject, title, category):
    assert clean_subject(subject) == (title, category)


# --- metadata ------------------------------------------------------------------------------------


def test_metadata_inferred_only_where_clear():
    story = story_of(
        message(STORY, subject="【工作动态】社区防疫", sender="无锡市餐饮行业协会 <a@example.com>")
    )
    assert (story.org, story.org_type, story.region, story.category) == (
        "无锡市餐饮行业协会",
        "行业协会商会",
        "无锡市",
        "工作动态",
    )
    assert story.date.strftime("%Y-%m-%d %H:%M") == "2020-02-18 10:30"


def test_unclear_metadata_is_left_empty_with_a_note_for_the_editor():
    text = "我们组织志愿者在南京、苏州两地开展防疫宣传，服务居民三百余人次，效果良好。"
    story = story_of(message(text, subject="一点做法", sender="张三 <zhangsan@example.com>"))
    assert story.org == story.org_type == story.region == story.category == ""
    assert len(story.notes) == 4 and all("待编辑补充" in note for note in story.notes)


def test_org_from_the_text_when_the_sender_is_a_person():
    text = STORY + "\n供稿单位：常州市科学技术协会"
    story = story_of(message(text, sender="李四 <lisi@example.com>"))
    assert (story.org, story.org_type, story.region) == ("常州市科学技术协会", "科技类社会组织", "常州市")


def test_date_is_converted_to_site_time():
    story = story_of(message(date="Tue, 18 Feb 2020 02:30:00 +0000"))
    assert story.date.strftime("%Y-%m-%d %H:%M %z") == "2020-02-18 10:30 +0800"


# --- images --------------------------------------------------------------------------------------


def test_cid_and_attached_photos_are_cleaned_and_named_by_hash():
    photo = jpeg_with_gps()
    raw = multipart(
        [
            text_part(
                f"<p>{STORY}</p><p><img src='cid:p1@x'></p><img src='https://tracker.example/p.gif'>", "html"
            ),
            part(photo, "image/jpeg", headers=(b"Content-ID: <p1@x>",)),  # the <img> has no alt
            part(
                jpeg_with_gps((0, 0, 200)),
                'image/jpeg; name="../../../etc/passwd"',
                headers=(b'Content-Disposition: attachment; filename="C:\\\\con\\\\..\\\\nul.jpg"',),
            ),
        ],
        "related",
    )
    story = story_of(raw)
    assert len(story.images) == 2
    for image in story.images:
        assert image.name.count(".") == 1 and "/" not in image.name and "\\" not in image.name
        assert image.name.split(".")[0].isalnum() and image.name.endswith(".jpg")
        assert f"{{static}}/images/submissions/{image.name}" in story.body
        assert "GPS" not in str(Image.open(__import__("io").BytesIO(image.data)).getexif().get_ifd(0x8825))
        assert not Image.open(__import__("io").BytesIO(image.data)).getexif().get_ifd(0x8825)
        assert b"secret comment" not in image.data
    assert "tracker.example" not in story.body and "passwd" not in story.body and "nul" not in story.body
    assert story.cover == f"images/submissions/{story.images[0].name}"
    # Every image has alt text: the sender's where given, else a stand-in the editor is told about.
    assert (
        f"![志愿者开展社区防疫宣传配图]({{static}}/images/submissions/{story.images[0].name})" in story.body
    )
    assert (
        f"![志愿者开展社区防疫宣传配图]({{static}}/images/submissions/{story.images[1].name})" in story.body
    )
    assert any("图片说明" in note for note in story.notes)


def test_non_image_posing_as_image_is_refused_with_a_note():
    raw = multipart([text_part(STORY), part(b"<svg onload=alert(1)>", "image/jpeg; name=x.jpg")])
    story = story_of(raw)
    assert story.images == [] and any("x.jpg" in note for note in story.notes)


# --- personal data -------------------------------------------------------------------------------


def test_personal_data_is_masked_everywhere_and_the_public_mailbox_stays():
    raw = message(
        f"{STORY}\n联系人手机 13912345678，邮箱 zhang.wei@example.com；投稿请寄 jsmzshzz@163.com。",
        subject="张三 13912345678 的投稿",
        sender="某协会 13912345678 <a@example.com>",
    )
    story = story_of(raw)
    written = "\n".join([story.title, story.summary, story.org, story.body])
    assert "13912345678" not in written and "zhang.wei@" not in written
    assert "jsmzshzz@163.com" in story.body
    assert story.title == "张三 139****5678 的投稿"
    assert {m.kind for m in story.maskings} == {"手机号", "电子邮箱"}
    assert all("13912345678" not in m.masked for m in story.maskings)


# --- bad messages --------------------------------------------------------------------------------

BAD = {
    "empty": b"",
    "blank": b"\r\n\r\n  \r\n",
    "broken base64": message(b"5Lit5paH!!!$$$5Lit5paH\r\n", encoding="base64"),
    "truncated base64": message(b"5Lit5paH5Lit5p\r\n", encoding="base64"),
    "missing boundary": message(
        b"--x\r\n\r\ntext\r\n--x--\r\n", content_type="multipart/mixed", encoding="7bit"
    ),
    "boundary never found": message(
        b"text\r\n", content_type='multipart/mixed; boundary="zz"', encoding="7bit"
    ),
    "truncated multipart": multipart([text_part(STORY)])[:-30],
    "undecodable": message(b"\xff\xfe\x80\x81\xfe\xff\r\n", content_type="text/plain; charset=utf-8"),
    "not mail": b"\x00\x01\x02 binary junk",
    "no text": multipart([part(b"\x00" * 10, "application/octet-stream")]),
    "no date": message(date=None),
    "damaged docx": multipart(
        [text_part("见附件"), part(b"PK\x03\x04broken", "application/octet-stream; name=a.docx")]
    ),
}


@pytest.mark.parametrize("kind", BAD)
def test_bad_messages_raise_bad_message_with_a_reason(kind):
    with pytest.raises(BadMessage) as caught:
        story_of(BAD[kind])
    assert str(caught.value)


def test_base64_body_decodes():
    assert STORY in story_of(message(b64(STORY.encode()) + b"\r\n", encoding="base64")).body


@pytest.mark.parametrize("greeting", ["各位老师好：", "编辑老师您好！", "您好，", "尊敬的编辑同志们好"])
def test_opening_greeting_is_dropped(greeting):
    assert greeting.rstrip("：！，") not in story_of(message(f"{greeting}\n{STORY}")).body


@pytest.mark.parametrize("first_line", ["效果很好。", "大家都说好"])
def test_a_first_line_that_only_ends_in_good_is_kept(first_line):
    assert first_line in story_of(message(f"{first_line}\n{STORY}")).body


def test_the_senders_alt_text_is_kept():
    raw = multipart(
        [
            text_part(f"<p>{STORY}</p><img src='cid:p1@x' alt='发放物资现场'>", "html"),
            part(jpeg_with_gps(), "image/jpeg", headers=(b"Content-ID: <p1@x>",)),
        ],
        "related",
    )
    story = story_of(raw)
    assert "![发放物资现场](" in story.body and not any("图片说明" in note for note in story.notes)


def test_zip_bomb_docx_is_a_bad_message(monkeypatch):
    from mailbox_import import wordfile

    monkeypatch.setattr(wordfile, "MAX_UNPACKED_BYTES", 100)
    raw = multipart([text_part("见附件"), part(docx([STORY]), "application/octet-stream; name=a.docx")])
    with pytest.raises(BadMessage, match="zip bomb"):
        story_of(raw)


# --- hostile text that must stay text (found in review) ------------------------------------------


def test_entities_in_subject_and_summary_cannot_become_markup():
    raw = message(
        "&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;本会组织志愿者开展防疫宣传，服务居民三百余人次。",
        subject="&#60;/title&#62;&#60;script&#62;alert(1)&#60;/script&#62;志愿服务",
    )
    story = story_of(raw)
    for field in (story.title, story.summary):
        assert not set("<>&\"'") & set(field), field


def test_subject_sender_and_file_name_follow_the_sites_rule_for_text_fields():
    hostile = "<img src=x onerror=alert(1)>"
    raw = message(STORY, subject=f"{hostile}志愿服务", sender=f"南京市{hostile}测试协会 <zs@qq.com>")
    story = story_of(raw)
    assert story.title == plain_text(f"{hostile}志愿服务") == "＜img src=x onerror=alert(1)＞志愿服务"
    assert not set("<>") & set(story.org)  # an organization's name is only ever name characters
    dropped_file = f"{hostile}稿件.docx"
    dropped = convert(message(f"{STORY}。"), "images/submissions", PUBLIC, dropped_file, zone=CHINA)
    assert dropped.title == plain_text(f"{hostile}稿件")


# A real submission whose Content-Type line was damaged in transit: the part is read as text/plain.
DAMAGED_TYPE_DOCUMENT = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>邮件</title>"
    "<style>p { color: red }</style></head><body>\n"
    f"<div>{STORY}</div>\n<div>第二段，<b>捐赠口罩</b>五千只。</div>\n"
    "<script>alert(1)</script><p onclick='alert(2)'>第三段。</p>\n</body></html>"
)
DAMAGED_TYPE_FRAGMENT = (
    f"<p>{STORY}</p>\n<p>第二段，<b>捐赠口罩</b>五千只。</p>\n<p>第三段。<img src=x onerror=alert(3)></p>"
)


@pytest.mark.parametrize("html", [DAMAGED_TYPE_DOCUMENT, DAMAGED_TYPE_FRAGMENT], ids=["document", "fragment"])
def test_a_text_part_that_is_really_html_becomes_a_clean_story(html):
    damaged = message(html, content_type="text/plain; charset=utf-8").replace(
        b"Content-Type: text/plain", b"Content-Tpye: text/html"
    )
    assert b"Content-Type" not in damaged  # read as text/plain, the default
    story = story_of(damaged)
    page = BeautifulSoup(markdown.markdown(story.body), "html.parser")
    paragraphs = [p.get_text() for p in page.find_all("p")]
    assert paragraphs == [STORY, "第二段，捐赠口罩五千只。", "第三段。"]
    assert page.find("strong").get_text() == "捐赠口罩"
    assert "<" not in page.get_text() and "&lt;" not in story.body, "no HTML source shown as text"
    assert not page.find_all(["script", "style", "img"]) and not page.find(attrs={"onclick": True})
    assert story.summary == STORY


def test_a_tag_cut_in_two_by_a_damaged_boundary_leaves_no_html_source():
    html = f'<p>{STORY}</p><p>第二段。</p><p><img src="cid:photo1" alt="志愿者值守"></p><p>第三段。</p>'
    cut = html.index('src="cid')  # inside the <img> tag
    first = text_part(html[:cut], "html")
    # The rest of the part behind a boundary line inserted in transit: no headers, so plain text.
    rest = b"\r\n" + b64(html[cut:].encode())
    story = story_of(multipart([first, rest], subtype="related"))
    page = BeautifulSoup(markdown.markdown(story.body), "html.parser")
    assert [p.get_text() for p in page.find_all("p")] == [STORY, "第二段。", "第三段。"]
    assert "&lt;" not in story.body and "<" not in page.get_text()


def test_a_lone_less_than_sign_ending_an_html_part_stays():
    story = story_of(message(f"<p>{STORY}</p><p>气温<5度", content_type="text/html; charset=utf-8"))
    assert "气温&lt;5度" in story.body


def test_plain_text_that_mentions_a_tag_stays_text():
    text = f"{STORY}\n培训讲了网页里<p>标签的写法。\n第三段。"
    story = story_of(message(text))
    assert "培训讲了网页里&lt;p&gt;标签的写法。" in story.body
    assert "<p>标签" in BeautifulSoup(markdown.markdown(story.body), "html.parser").get_text()


def test_org_line_takes_only_name_characters():
    raw = message(f'{STORY}\n供稿单位：0;url=//evil.example/"http-equiv="refresh"', sender="张三 <zs@qq.com>")
    org = story_of(raw).org
    assert not set("<>&\"'/;=") & set(org)


INJECTIONS = [
    '<p>见<a href="http://x.example/a) ![t](http://evil.example/track.gif) [b](http://x.example/">链接</a></p>',
    '<p><a href="http://x.example/" title="a&quot;) ![t](http://evil.example/t.gif) (&quot;">链接</a></p>',
    "<pre>```\n![x](http://evil.example/pre.gif)\n&lt;img src=x onerror=alert(1)&gt;\n```</pre>",
]


@pytest.mark.parametrize("html", INJECTIONS)
def test_link_attributes_and_code_cannot_inject_markdown(html):
    page = rendered(message(f"<p>{STORY}</p>{html}", content_type="text/html; charset=utf-8"))
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find_all("img") == [] and soup.find(attrs={"onerror": True}) is None


def test_numbers_are_masked_before_a_title_or_summary_is_shortened():
    first_line = "我会志愿者王某某积极参与社区防控工作成效显著受到好评，负责人手机13800138000。"
    title = story_of(message(f"{first_line}\n{STORY}", subject="")).title
    assert "13800138" not in title
    long_paragraph = "<p>" + "甲" * 92 + "320102<b>19900101</b>1237。</p>"
    summary = story_of(message(long_paragraph, content_type="text/html; charset=utf-8")).summary
    assert "19900101" not in summary


def test_an_address_split_by_bold_is_masked_in_the_summary_too():
    html = f"<p>{STORY}如需联系，请发邮件至zhang<b>san</b>@qq.com。</p>"
    story = story_of(message(html, content_type="text/html; charset=utf-8"))
    assert "zhang" not in story.summary and "san" not in story.summary.replace("三", "")


def test_a_plain_text_story_beside_an_html_disclaimer_is_kept():
    raw = message(
        multipart(
            [text_part(STORY), text_part("<p>本邮件已经过安全网关病毒扫描。</p>", subtype="html")], "mixed"
        ),
        content_type='multipart/mixed; boundary="BOUNDARY-42"',
    )
    assert STORY in story_of(raw).body


# --- damaged mail: salvaged where the structure allows it, else refused -------------------------


def test_a_multipart_whose_content_type_header_was_damaged_is_recovered():
    raw = multipart([text_part(STORY), text_part(f"<p>{STORY}</p>", "html")], "alternative")
    damaged = raw.replace(b"Content-Type: multipart/", b"Content-Typ#: multipart/")
    story = story_of(damaged)
    assert story.body.count(STORY[:20]) == 1 and "Content-" not in story.body
    assert any("Content-Type 头已损坏" in note for note in story.notes)


def test_a_message_cut_inside_its_last_attachment_keeps_its_text():
    attached = b'Content-Disposition: attachment; filename="a.jpg"'
    photo = part(jpeg_with_gps(), "image/jpeg", headers=(attached,))
    raw = multipart([text_part(STORY), photo])
    story = story_of(raw[: len(raw) - 200])
    assert STORY[:20] in story.body and not story.images
    assert any("最后的附件" in note for note in story.notes)


def test_a_base64_body_whose_encoding_header_was_damaged_is_decoded():
    raw = message(b64(STORY.encode()) + b"\r\n", encoding="base64")
    raw = raw.replace(b"Content-Transfer-", b"Content-Tr#nsfer-")
    assert STORY in story_of(raw).body


@pytest.mark.parametrize(
    "residue",
    [
        "Content-Type: image/jpeg; name=a.jpg",
        "Content-Disposition: attachment",
        "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwg",
        "------=_Part_20200218_1030",
        "=E5=8D=97=E4=BA=AC=E5=B8=82=E6=B5=8B=E8=AF=95",
    ],
)
def test_a_body_holding_mime_residue_is_never_a_story(residue):
    with pytest.raises(BadMessage) as caught:
        story_of(message(f"{STORY}\n{residue}\n{STORY}"))
    assert "请来稿单位重新发送" in str(caught.value)


def test_separator_lines_dates_and_latin_words_are_not_mistaken_for_residue():
    text = f"{STORY}\n--------------------\n--2020-02-18--\n活动口号：Stay-home-stay-safe-2020\n{STORY}"
    story = story_of(message(text))
    assert "Stay" in story.body and "2020" in story.body


def test_control_characters_in_subject_and_body_are_normalised_and_reported():
    story = story_of(message(f"第一行\x0b第二行\x01{STORY}", subject="控制\x0b字符\x1b[31m标题"))
    written = "".join([story.title, story.summary, story.org, story.body])
    assert not any(ch in written for ch in "\x0b\x01\x1b")
    assert story.title == "控制 字符[31m标题"
    assert "第一行\n\n第二行" in story.body
    # The subject's U+000B is whitespace to header unfolding already: only the body's is counted.
    assert any("控制字符（U+0001, U+000B, U+001B）" in note for note in story.notes)
