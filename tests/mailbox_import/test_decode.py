import email
import email.message
import email.policy

import pytest
from mailbox_import.decode import (
    UndecodableText,
    attachment_name,
    decode_bytes,
    decode_header_text,
    normalize_charset,
    raw_header,
)

# 镕 and 堃 are in GBK but not in GB2312: mail labelled gb2312 carries them all the time.
GBK_ONLY = "朱镕基、李堃"


def parsed(raw: bytes) -> email.message.Message:
    return email.message_from_bytes(raw, policy=email.policy.compat32)


@pytest.mark.parametrize("label", ["gb2312", "GBK", "cp936", "x-gbk", "GB_2312-80", '"gb2312"'])
def test_gb_family_labels_read_as_gb18030(label):
    assert normalize_charset(label) == "gb18030"
    assert decode_bytes(GBK_ONLY.encode("gbk"), label) == GBK_ONLY


def test_unlabelled_or_mislabelled_bytes_fall_back_without_replacement_characters():
    assert decode_bytes("中文".encode("gbk"), None) == "中文"
    assert decode_bytes("中文".encode(), "us-ascii") == "中文"
    assert decode_bytes("中文".encode("gbk"), "no-such-charset") == "中文"


def test_text_valid_in_no_charset_is_refused_not_mangled():
    with pytest.raises(UndecodableText):
        decode_bytes(b"\xff\xfe\xfd\x80\x81", "utf-8")


def test_rfc2047_subject_in_gb2312_with_gbk_only_characters():
    import base64

    word = f"=?gb2312?B?{base64.b64encode(GBK_ONLY.encode('gbk')).decode()}?="
    assert decode_header_text(f"Re: {word}") == f"Re: {GBK_ONLY}"


def test_adjacent_encoded_words_join_and_folding_is_undone():
    assert decode_header_text("=?utf-8?B?5Lit?=\r\n =?utf-8?Q?=E6=96=87?= ok") == "中文 ok"


def test_raw_8bit_gbk_header_is_recovered():
    message = parsed(b"Subject: " + GBK_ONLY.encode("gbk") + b"\r\nFrom: a@b.c\r\n\r\nbody\r\n")
    subject = decode_header_text(raw_header(message, "subject"))
    assert subject == GBK_ONLY and "\ufffd" not in subject


def test_raw_8bit_utf8_header_is_recovered():
    message = parsed("Subject: 中文标题\r\n\r\nbody\r\n".encode())
    assert decode_header_text(raw_header(message, "subject")) == "中文标题"


def percent(text: str, codec: str) -> str:
    return "".join(f"%{byte:02X}" for byte in text.encode(codec))


@pytest.mark.parametrize(
    "disposition",
    [
        f"attachment; filename*=gbk''{percent('先进事迹.docx', 'gbk')}",  # RFC 2231, bare
        f"attachment; filename*=\"gbk''{percent('先进事迹.docx', 'gbk')}\"",  # RFC 2231, quoted
        f"attachment; filename*0*=gb2312''{percent('先进', 'gbk')};"
        f" filename*1*={percent('事迹.docx', 'gbk')}",  # RFC 2231 continuation
        f"attachment; filename*=utf-8'zh'{percent('先进事迹.docx', 'utf-8')}",
        'attachment; filename="=?GBK?B?z8i9+MrCvKMuZG9jeA==?="',  # RFC 2047 inside quotes (Outlook, Foxmail)
    ],
)
def test_attachment_names_in_every_style(disposition):
    raw = (
        b"Content-Type: application/octet-stream\r\nContent-Disposition: "
        + disposition.encode()
        + b"\r\n\r\nx"
    )
    assert attachment_name(parsed(raw)) == "先进事迹.docx"


def test_raw_8bit_gbk_filename_is_recovered():
    raw = b'Content-Type: application/octet-stream; name="' + "照片.jpg".encode("gbk") + b'"\r\n\r\nx'
    assert attachment_name(parsed(raw)) == "照片.jpg"


def test_an_undecodable_attachment_name_does_not_refuse_the_message():
    holder = email.message.Message()
    holder["Content-Disposition"] = "attachment; filename*=utf-8''%FF%FE.docx"
    assert attachment_name(holder).endswith(".docx")


@pytest.mark.parametrize(
    ("data", "label"),
    [
        ("南京市志愿者协会".encode(), "gb2312"),  # UTF-8 sent under a GB label
        ("南京市志愿者协会".encode("gbk"), "iso-8859-1"),  # GBK sent under a Latin label
        ("南京市志愿者协会".encode("gbk"), "windows-1252"),
        ("南京市志愿者协会".encode("gbk"), "gb2312"),
    ],
)
def test_chinese_text_under_a_wrong_label_is_read_right(data, label):
    assert decode_bytes(data, label) == "南京市志愿者协会"


def test_latin_text_under_a_latin_label_stays_latin():
    assert decode_bytes("Café".encode("latin-1"), "iso-8859-1") == "Café"
