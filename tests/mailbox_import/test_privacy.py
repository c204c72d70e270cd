"""Personal data is masked in the 138****1234 style, reported without the original, and nothing else moves."""

import markdown
import pytest
from mailbox_import.privacy import (
    BANK_CARD,
    EMAIL,
    LANDLINE,
    MOBILE,
    RESIDENT_ID,
    Masking,
    luhn_ok,
    mask_personal_data,
    resident_id_checksum_ok,
)

PUBLIC_MAILBOX = "jsmzshzz@163.com"
VALID_ID_WITH_X = "11010519491231002X"  # the worked example of GB 11643
VALID_ID = "440301198511245618"
BAD_CHECKSUM_ID = "440301198511245611"  # also passes Luhn; its birth date still says ID
CARD_16 = "6222021234567894"  # Luhn-valid
CARD_19 = "6228480012345678903"  # Luhn-valid
NOT_A_CARD = "6222021234567890"  # Luhn-invalid


def test_checksum_helpers_agree_with_known_numbers() -> None:
    assert resident_id_checksum_ok(VALID_ID_WITH_X)
    assert resident_id_checksum_ok(VALID_ID_WITH_X.lower())
    assert resident_id_checksum_ok(VALID_ID)
    assert not resident_id_checksum_ok(BAD_CHECKSUM_ID)
    assert luhn_ok(CARD_16) and luhn_ok(CARD_19) and luhn_ok("4111111111111111")
    assert not luhn_ok(NOT_A_CARD)


@pytest.mark.parametrize(
    ("text", "expected", "masked"),
    [
        ("手机：13800138000。", "手机：138****8000。", "138****8000"),
        ("手机13800138000，", "手机138****8000，", "138****8000"),
        ("电话 138 0013 8000 联系", "电话 138****8000 联系", "138****8000"),
        ("电话138-0013-8000；", "电话138****8000；", "138****8000"),
        ("1380 013 8000", "138****8000", "138****8000"),
        ("+86 138 0013 8000", "+86 138****8000", "+86 138****8000"),
        ("+8613800138000", "+86138****8000", "+86138****8000"),
        ("0086-13800138000", "0086-138****8000", "0086-138****8000"),
        ("86-13800138000", "86-138****8000", "86-138****8000"),
        ("8613800138000", "86138****8000", "86138****8000"),
        ("(+86)13900139000", "(+86)139****9000", "(+86)139****9000"),
        ("手机：１３８００１３８０００）", "手机：138****8000）", "138****8000"),
        ("（＋８６）１３８－００１３－８０００", "（＋８６）138****8000", "（＋８６）138****8000"),
        ("138\u30000013\u30008000", "138****8000", "138****8000"),
        ("Tel:19912345678", "Tel:199****5678", "199****5678"),
        ("TEL13800138000", "TEL138****8000", "138****8000"),
    ],
)
def test_mobile_numbers_are_masked_in_any_spacing(text: str, expected: str, masked: str) -> None:
    assert mask_personal_data(text) == (expected, [Masking(MOBILE, masked)])


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        (f"身份证号：{VALID_ID_WITH_X}。", "身份证号：110***********002X。", RESIDENT_ID),
        (f"身份证号：{VALID_ID_WITH_X.lower()}。", "身份证号：110***********002X。", RESIDENT_ID),
        (f"（{VALID_ID}）", "（440***********5618）", RESIDENT_ID),
        ("证件号 440301 19851124 5618 ", "证件号 440***********5618 ", RESIDENT_ID),
        ("４４０３０１１９８５１１２４５６１８", "440***********5618", RESIDENT_ID),
        # ID-shaped but the checksum is wrong: a mistyped ID is still an ID.
        (f"身份证{BAD_CHECKSUM_ID}，", "身份证440***********5611，", RESIDENT_ID),
        ("旧身份证320102900307123，", "旧身份证320********7123，", RESIDENT_ID),
    ],
)
def test_resident_ids_are_masked(text: str, expected: str, kind: str) -> None:
    masked_text, maskings = mask_personal_data(text)
    assert masked_text == expected
    assert [masking.kind for masking in maskings] == [kind]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"捐款账号{CARD_16}。", "捐款账号622*********7894。"),
        ("卡号：6222 0212 3456 7894，", "卡号：622*********7894，"),
        ("卡号：6222-0212-3456-7894", "卡号：622*********7894"),
        (f"卡号{CARD_19}", "卡号622************8903"),
        ("卡号 6228 4800 1234 5678 903", "卡号 622************8903"),
        # A card number followed by a mobile: both found, the mobile not swallowed as the card's tail.
        (f"{CARD_16} 13800138000", "622*********7894 138****8000"),
    ],
)
def test_luhn_valid_card_numbers_are_masked(text: str, expected: str) -> None:
    masked_text, maskings = mask_personal_data(text)
    assert masked_text == expected
    assert maskings[0].kind == BANK_CARD


def test_an_18_digit_card_is_reported_as_a_card() -> None:
    card_18 = "622202123456789012"  # Luhn-valid, no birth date where an ID has one
    assert luhn_ok(card_18)
    assert mask_personal_data(card_18) == ("622***********9012", [Masking(BANK_CARD, "622***********9012")])


def test_luhn_invalid_long_numbers_stay() -> None:
    for text in (f"订单号{NOT_A_CARD}。", "编号 6222 0212 3456 7890"):
        assert mask_personal_data(text) == (text, [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The area code and the punctuation around it stay as written; the number behind it is hidden.
        ("电话：025-83451234。", "电话：025-****1234。"),
        ("电话(025)8345 1234，", "电话(025)****1234，"),
        ("电话（０２５）８３４５１２３４，", "电话（０２５）****1234，"),
        ("苏州0512－67521234", "苏州0512－****1234"),
        ("北京 010 62345678 ", "北京 010 ****5678 "),
    ],
)
def test_landlines_are_masked(text: str, expected: str) -> None:
    masked_text, maskings = mask_personal_data(text)
    assert masked_text == expected
    assert [masking.kind for masking in maskings] == [LANDLINE]


def test_personal_emails_are_masked_and_the_public_mailbox_stays() -> None:
    text = (
        f"来稿请发{PUBLIC_MAILBOX}（或 JSMZSHZZ@163.COM），联系人邮箱 zhang.san@qq.com；备用 lisi＠126.com。"
    )
    masked_text, maskings = mask_personal_data(text, public_emails=[PUBLIC_MAILBOX])
    assert masked_text == (
        f"来稿请发{PUBLIC_MAILBOX}（或 JSMZSHZZ@163.COM），联系人邮箱 z***@qq.com；备用 l***＠126.com。"
    )
    assert maskings == [Masking(EMAIL, "z***@qq.com"), Masking(EMAIL, "l***＠126.com")]


def test_the_public_mailbox_is_masked_unless_named_public() -> None:
    assert mask_personal_data(PUBLIC_MAILBOX) == ("j***@163.com", [Masking(EMAIL, "j***@163.com")])


def test_mobile_used_as_email_name_is_masked_once_as_an_email() -> None:
    assert mask_personal_data("13800138000@qq.com") == ("1***@qq.com", [Masking(EMAIL, "1***@qq.com")])


@pytest.mark.parametrize(
    "text",
    [
        "2020-02-12",
        "2020-02-12 10:30",
        "2020年2月12日",
        "2019-2020年度",
        "苏社管联办〔2020〕1号",
        "筹集善款50000元",
        "捐赠￥1,000,000.00元",
        "发放口罩13800个，消毒液1380箱",
        "详见 https://example.gov.cn/art/2020/2/12/art_13800138000.html 。",
        "www.example.cn/13800138000",
        "邮编210000",
        "编号12345678901",
        "热线12345、400-123-4567",
        "统一社会信用代码51320000MJ4780367D",
        "完成率99.5%",
        "![现场照片](images/ab13800138000cd4401051949123100.jpg)",
        "[通知]({filename}/guidance/notice-13800138000.md)",
        "",
    ],
)
def test_ordinary_numbers_and_links_stay_untouched(text: str) -> None:
    assert mask_personal_data(text, public_emails=[PUBLIC_MAILBOX]) == (text, [])


def test_report_never_holds_an_original_and_follows_text_order() -> None:
    originals = ["13800138000", VALID_ID, "zhangsan@qq.com", "025-83451234", CARD_16]
    text = "；".join(f"第{number}项：{original}" for number, original in enumerate(originals))
    masked_text, maskings = mask_personal_data(text)
    assert [masking.kind for masking in maskings] == [MOBILE, RESIDENT_ID, EMAIL, LANDLINE, BANK_CARD]
    for original in originals:
        assert original not in masked_text
        assert original not in repr(maskings)
    hidden_middles = ["0013", "1985112", "zhangsan", "8345", "02123456"]
    for hidden in hidden_middles:
        assert hidden not in masked_text and hidden not in repr(maskings)
    assert masked_text.startswith("第0项：138****8000；第1项：")


def test_numbers_split_by_markdown_emphasis_are_still_found() -> None:
    # HTML like 电话：138<b>0013</b>8000 becomes this Markdown; rendered, the whole number shows.
    text = "电话：138**0013**8000，卡号__6222__021234567894，138`0013`8000"
    masked_text, maskings = mask_personal_data(text)
    # The bold around 6222 goes with the number it was part of: no stray "__" is left behind.
    assert masked_text == "电话：138****8000，卡号622*********7894，138****8000"
    assert [masking.kind for masking in maskings] == [MOBILE, BANK_CARD, MOBILE]


def test_numbers_wrapped_onto_the_next_line_are_still_found() -> None:
    text = f"身份证号{VALID_ID[:6]}\n{VALID_ID[6:]}，手机1380013\r\n8000\n\n第2段13800138000\n12人"
    masked_text, maskings = mask_personal_data(text)
    assert masked_text == "身份证号440***********5618，手机138****8000\n\n第2段138****8000\n12人"
    assert [masking.kind for masking in maskings] == [RESIDENT_ID, MOBILE, MOBILE]


def test_masking_twice_changes_nothing_more() -> None:
    text = f"手机13800138000，身份证{VALID_ID}，电话025-83451234，卡号{CARD_19}，邮箱zhang@qq.com"
    for escape_markdown in (False, True):
        once, _ = mask_personal_data(text, escape_markdown=escape_markdown)
        assert mask_personal_data(once, escape_markdown=escape_markdown) == (once, [])


def test_escaped_masks_render_as_stars_in_markdown() -> None:
    text = "联系电话13800138000或13900139000，邮箱a@qq.com和b@qq.com。"
    plain, _ = mask_personal_data(text)
    escaped, maskings = mask_personal_data(text, escape_markdown=True)
    html = markdown.markdown(escaped)
    assert html == "<p>联系电话138****8000或139****9000，邮箱a***@qq.com和b***@qq.com。</p>"
    assert "<strong>" in markdown.markdown(plain)  # why the escaping is needed
    assert maskings[0] == Masking(MOBILE, "138****8000")


GROUPED_ID = "320102199001011237"  # checksum-valid


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        # Dashes a Chinese IME or a word processor types between digit groups.
        ("手机138―0013―8000", "手机138****8000", MOBILE),
        ("手机138−0013−8000", "手机138****8000", MOBILE),
        ("手机138‒0013‒8000", "手机138****8000", MOBILE),
        ("手机138﹣0013﹣8000", "手机138****8000", MOBILE),
        ("手机138.0013.8000", "手机138****8000", MOBILE),
        ("手机 138 - 0013 - 8000", "手机 138****8000", MOBILE),
        # Resident IDs grouped 6-4-4-4, or glued to the letters of a label.
        ("身份证320102 1990 0101 1237", "身份证320***********1237", RESIDENT_ID),
        ("身份证 320102-1990-0101-1237", "身份证 320***********1237", RESIDENT_ID),
        (f"身份证ID{GROUPED_ID}。", "身份证ID320***********1237。", RESIDENT_ID),
        (f"No{GROUPED_ID}", "No320***********1237", RESIDENT_ID),
        # Full-width letters and dots fold like full-width digits.
        ("邮箱 zhangsan＠qq．com", "邮箱 z***＠qq．com", EMAIL),
        ("邮箱 ＺＨＡＮＧ＠ＱＱ.ＣＯＭ", "邮箱 Ｚ***＠ＱＱ.ＣＯＭ", EMAIL),
        # A landline written with the country code drops the area code's 0; the prefix stays as written.
        ("电话 +86-25-83451234", "电话 +86-25-****1234", LANDLINE),
        ("电话 025 - 83451234", "电话 025 - ****1234", LANDLINE),
        # Bold or italic inside or around an e-mail's name (HTML <b> turned into Markdown).
        ("邮箱 zhang**san**@qq.com", "邮箱 z***@qq.com", EMAIL),
        ("邮箱 zhang*san*@qq.com", "邮箱 z***@qq.com", EMAIL),
        # A URL ends at a comma or semicolon followed by a digit, and at anything written full-width.
        ("网址www.jsxh.org,13800138000", "网址www.jsxh.org,138****8000", MOBILE),
        ("网址www.jsxh.org;13800138000", "网址www.jsxh.org;138****8000", MOBILE),
        ("网址www.jsxh.org，13800138000", "网址www.jsxh.org，138****8000", MOBILE),
        ("网址https://jsxh.org：13800138000", "网址https://jsxh.org：138****8000", MOBILE),
    ],
)
def test_numbers_written_in_other_ways_are_masked(text: str, expected: str, kind: str) -> None:
    masked_text, maskings = mask_personal_data(text)
    assert masked_text == expected
    assert [masking.kind for masking in maskings] == [kind]
    assert mask_personal_data(masked_text) == (masked_text, [])


@pytest.mark.parametrize(
    ("text", "expected", "kinds"),
    [
        (
            f"见https://wj.qq.com/s?tel=13800138000&id={GROUPED_ID}",
            "见https://wj.qq.com/s?tel=138****8000&id=320***********1237",
            [MOBILE, RESIDENT_ID],
        ),
        (
            "[问卷](https://wj.qq.com/s?tel=13800138000)",
            "[问卷](https://wj.qq.com/s?tel=138****8000)",
            [MOBILE],
        ),
        ("www.jsxh.org/form#tel=13800138000", "www.jsxh.org/form#tel=138****8000", [MOBILE]),
        ("https://a.cn/?mail=zhang@qq.com", "https://a.cn/?mail=z***@qq.com", [EMAIL]),
    ],
)
def test_numbers_in_url_query_strings_are_masked_and_the_url_kept(
    text: str, expected: str, kinds: list[str]
) -> None:
    masked_text, maskings = mask_personal_data(text)
    assert masked_text == expected
    assert [masking.kind for masking in maskings] == kinds
    assert mask_personal_data(masked_text) == (masked_text, [])


@pytest.mark.parametrize(
    "text",
    [
        "![现场照片](images/submissions/abc123.jpg)",
        "![现场照片](images/submissions/13800138000.jpg?v=13800138000)",
        "https://example.gov.cn/art/2020/2/12/art_13800138000.html?page=2",
        "https://example.gov.cn/s?ids=1,2,3",
    ],
)
def test_relative_link_targets_and_harmless_queries_stay(text: str) -> None:
    assert mask_personal_data(text) == (text, [])


def test_escaped_masks_in_a_link_query_render_as_stars() -> None:
    masked_text, _ = mask_personal_data("[问卷](https://wj.qq.com/s?tel=13800138000)", escape_markdown=True)
    assert markdown.markdown(masked_text) == '<p><a href="https://wj.qq.com/s?tel=138****8000">问卷</a></p>'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # <br> inside a number becomes a Markdown hard break; rendered, the number still shows whole
        # (split over two lines).
        ("电话138  \n00138000", "电话138****8000"),
        ("电话138\\\n00138000", "电话138****8000"),
        (f"身份证{GROUPED_ID[:6]}  \r\n{GROUPED_ID[6:]}", "身份证320***********1237"),
    ],
)
def test_numbers_split_by_a_markdown_hard_break_are_found(text: str, expected: str) -> None:
    masked_text, maskings = mask_personal_data(text)
    assert masked_text == expected
    assert len(maskings) == 1


@pytest.mark.parametrize(
    ("text", "expected", "html"),
    [
        # <b>320102</b>19900101<i>1237</i>: the marks' partners sit right outside the number.
        (
            "**320102**19900101*1237*",
            r"320\*\*\*\*\*\*\*\*\*\*\*1237",
            "<p>320***********1237</p>",
        ),
        ("电话：**138**00138000", r"电话：138\*\*\*\*8000", "<p>电话：138****8000</p>"),
        ("邮箱 **zhangsan**@qq.com", r"邮箱 z\*\*\*@qq.com", "<p>邮箱 z***@qq.com</p>"),
        ("`138`00138000", r"138\*\*\*\*8000", "<p>138****8000</p>"),
        # A partner further away stays: the emphasis closes (or opens) right before the number.
        (
            "**电话：138**00138000，请联系",
            r"**电话：**138\*\*\*\*8000，请联系",
            "<p><strong>电话：</strong>138****8000，请联系</p>",
        ),
        (
            "电话13800**138000 联系人**",
            r"电话**138\*\*\*\*8000 联系人**",
            "<p>电话<strong>138****8000 联系人</strong></p>",
        ),
        # Marks that pair up inside the number simply go.
        ("138**0013**8000", r"138\*\*\*\*8000", "<p>138****8000</p>"),
    ],
)
def test_emphasis_cut_by_a_masked_number_stays_balanced(text: str, expected: str, html: str) -> None:
    masked_text, maskings = mask_personal_data(text, escape_markdown=True)
    assert masked_text == expected
    assert markdown.markdown(masked_text) == html
    assert len(maskings) == 1 and "\\" not in maskings[0].masked
    assert mask_personal_data(masked_text, escape_markdown=True) == (masked_text, [])
