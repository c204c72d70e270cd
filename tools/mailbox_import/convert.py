"""One approved message -> one story: text, metadata guesses and images, with personal data masked.

Pure: bytes in, a Story out (nothing written), so a process pool can run it and tests can call it.
"""

import base64
import binascii
import email
import email.errors
import email.policy
import email.utils
import hashlib
import html
import io
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from pathlib import PurePosixPath
from urllib.parse import quote
from zoneinfo import ZoneInfo

import mammoth
from bs4 import BeautifulSoup, NavigableString, Tag
from controlchars.characters import clean_text, describe
from markdownify import (
    MarkdownConverter,
    re_escape_misc_dash_sequences,
    re_escape_misc_hashes,
    re_escape_misc_list_items,
)
from taxonomy.vocabulary import ORG_TYPES, REGIONS, STORY_CATEGORIES, names

from . import media, privacy, sanitize
from .decode import UndecodableText, attachment_name, decode_bytes, decode_header_text, raw_header
from .wordfile import DocxTooLarge, check_unpacked_size, slim_docx

SITE_TIMEZONE = ZoneInfo("Asia/Shanghai")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A mail body this short next to a .docx is a cover note ("稿件见附件，请审阅"): the .docx is the story.
COVER_NOTE_MAX_CHARS = 150
SUMMARY_MAX_CHARS = 120
TITLE_MAX_CHARS = 40  # a title taken from the first line of a mail without a subject

RESEND = "；请来稿单位重新发送"
# Parser defects that mean the message is damaged: reported, not guessed at. (A missing closing
# boundary is salvaged when only an attachment at the end is cut: see _cut_attachment.)
FATAL_DEFECTS = {
    email.errors.NoBoundaryInMultipartDefect: "邮件分为多个部分，却没有写明分隔标记，无法分开正文和附件",
    email.errors.StartBoundaryNotFoundDefect: "邮件各部分的分隔标记找不到（传输中损坏），无法分开正文和附件",
    email.errors.CloseBoundaryNotFoundDefect: "邮件结尾缺失（传输中被截断），正文可能不完整",
    email.errors.MultipartInvariantViolationDefect: "邮件的结构已损坏，无法分开正文和附件",
    email.errors.InvalidBase64CharactersDefect: "邮件中 base64 编码的数据已损坏（含有非法字符）",
    email.errors.InvalidBase64LengthDefect: "邮件中 base64 编码的数据不完整（被截断）",
    email.errors.InvalidBase64PaddingDefect: "邮件中 base64 编码的数据不完整（被截断）",
}
# What a damaged message leaves in its text when parts, headers or encodings were not recognised:
# MIME header lines, boundary lines, lines of base64 or of quoted-printable. Never story text.
MIME_RESIDUE = re.compile(
    r"^\s*(?:(?:content-(?:type|transfer-encoding|disposition|id|description|location)|mime-version)\s*:"
    # A boundary line; not a story's own separator of dashes or a "--2020-02-18" date.
    r"|--(?=[-\d]*[A-Za-z=_])[\w'()+,./:=?-]{10,}\s*$"
    r"|[A-Za-z0-9+/]{40,}={0,2}\s*$"
    r"|.*(?:=[0-9A-F]{2}){8,})",
    re.IGNORECASE | re.MULTILINE,
)
_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/]+={0,2}")
# A multipart delimiter line followed by a part's first header line.
_DELIMITER = re.compile(rb"^--([\x21-\x7e]{6,70}?)[ \t]*\r?\n[A-Za-z-]+:", re.MULTILINE)
_CONTENT_TYPE_FIELD = re.compile(rb"^content-type[^\n]*\n(?:[ \t][^\n]*\n)*", re.IGNORECASE | re.MULTILINE)
RECOVERED_HEADER = "X-Mailbox-Import-Recovered"  # set on a message parsed again, for the note
MULTIPART_RECOVERED = "邮件的 Content-Type 头已损坏，已按正文中的分隔标记还原正文和附件，请对照原邮件核对"

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
# A greeting line opening the mail ("各位老师好：") is not part of the story.
GREETING = re.compile(
    r"^\s*(?:尊敬的)?(?:[\u4e00-\u9fff]{0,8}?(?:老师|编辑|领导|同志|各位|大家)们?(?:您|你)?|(?:您|你)们?)"
    r"好[！!，,：:。]?\s*$"
)
# Lines from which the rest of the mail is a quoted reply or a signature.
CUT_MARKERS = re.compile(
    r"^(?:-{2,}\s*原始邮件\s*-{2,}"
    r"|-{3,}\s*Original Message\s*-{3,}"
    r"|_{20,}"
    # A client's reply header names a date or an address; "队长李明写道：" inside a story does not.
    r"|在(?=.{0,80}[0-9@]).{0,80}写道\s*[:：]"
    r"|On .{0,200} wrote:"
    r"|--"
    r"|(?:发自|来自|从)我的.{0,20}"
    r"|Sent from my .{0,30}"
    r"|发自.{0,12}(?:邮箱|客户端|邮箱大师))$",
    re.IGNORECASE,
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


class BadMessage(ValueError):
    """A message that cannot become a story; the text says why, for the report."""


@dataclass(frozen=True)
class StoryImage:
    name: str  # file name under the images folder: hash + extension, never the attachment's name
    data: bytes


@dataclass
class Story:
    title: str
    date: datetime
    summary: str
    body: str  # Markdown
    org: str = ""
    org_type: str = ""
    region: str = ""
    category: str = ""
    cover: str = ""
    text_key: str = ""  # hash of the normalized story text: one story however often it is resent
    images: list[StoryImage] = field(default_factory=list)
    maskings: list[privacy.Masking] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things the editor should look at


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse(data: bytes) -> Message:
    if not data.strip():
        raise BadMessage("邮件是空的，没有任何内容" + RESEND)
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if not message.keys():
        raise BadMessage("没有邮件头（不是邮件，或文件开头已损坏）" + RESEND)
    message = _recovered_multipart(data, message) or message
    _check_defects(message, _cut_attachment(message))
    return message


def _recovered_multipart(data: bytes, message: Message) -> Message | None:
    """A multipart message whose Content-Type header was damaged reads as one text holding the whole
    MIME structure. When its body is a complete multipart (a delimiter followed by part headers, and
    the closing delimiter), it is parsed again with that boundary; the subtype is kept if still legible."""
    if message.is_multipart():
        return None
    head, blank, body = data.replace(b"\r\n", b"\n").partition(b"\n\n")
    delimiter = _DELIMITER.search(body)
    if not blank or delimiter is None or b"\n--" + delimiter.group(1) + b"--" not in b"\n" + body:
        return None
    subtype = re.search(rb"multipart/(alternative|related|mixed)", head, re.IGNORECASE)
    content_type = b'Content-Type: multipart/%s; boundary="%s"\n' % (
        subtype.group(1).lower() if subtype else b"mixed",
        delimiter.group(1),
    )
    repaired = _CONTENT_TYPE_FIELD.sub(b"", head + b"\n") + content_type + b"\n" + body
    recovered = email.message_from_bytes(repaired, policy=email.policy.compat32)
    recovered[RECOVERED_HEADER] = "multipart"
    return recovered if recovered.is_multipart() else None


def _check_defects(part: Message, cut: Message | None = None) -> None:
    """Raise BadMessage for a defect that makes the part unreliable; a missing closing boundary is
    tolerated when `cut` (the attachment it cut short) is dealt with on its own."""
    for defect in part.defects:
        if cut is not None and isinstance(defect, email.errors.CloseBoundaryNotFoundDefect):
            continue
        for kind, reason in FATAL_DEFECTS.items():
            if isinstance(defect, kind):
                raise BadMessage(reason + RESEND)


def _cut_attachment(message: Message) -> Message | None:
    """A message cut short (closing boundary missing) whose cut falls in an attachment after every
    text part: that last attachment, which is checked or dropped; the text before it is whole,
    because a boundary follows it. None when nothing was cut or the cut is in the text."""
    if not any(
        isinstance(defect, email.errors.CloseBoundaryNotFoundDefect)
        for part in message.walk()
        for defect in part.defects
    ):
        return None
    last = list(message.walk())[-1]
    return None if last.is_multipart() or _is_body(last) else last


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


def is_cut_marker(line: str) -> bool:
    return bool(CUT_MARKERS.match(line.strip()))


def _cut_quoted_html(soup: BeautifulSoup) -> str:
    """Drop the opening greeting, quoted lines, and everything from the first quoted-reply or signature
    marker on; return a note for the editor when story text may have gone with them, else ""."""
    before = len(soup.get_text())
    first = next((text for text in soup.find_all(string=True) if text.strip()), None)
    if first is not None and GREETING.match(first):
        first.extract()
    marker = ""
    for text in soup.find_all(string=True):
        if text.strip().startswith(">"):  # a quoted line, as plain-text replies write them
            marker = marker or text.strip()
            text.extract()
        elif is_cut_marker(text):
            marker = text.strip()
            node = text
            while node is not None and node is not soup:
                for sibling in list(node.next_siblings):
                    sibling.extract()
                node = node.parent
            text.extract()
            break
    if not marker:
        return ""
    return (
        f"从“{marker[:20]}”起删去 {before - len(soup.get_text())} 字（引用的回信或签名），"
        "请核对原邮件，确认没有删掉正文"
    )


def text_to_html(text: str) -> str:
    return "".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


class _StoryMarkdown(MarkdownConverter):
    """markdownify with an escape that keeps text as text.

    Text such as "&lt;script&gt;" arrives as "<script>": written back raw it would be live markup in
    Markdown, so &, < and > stay entities, and Markdown's own syntax characters are escaped."""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        if not text:
            return ""
        text = html.escape(text, quote=False)
        text = re.sub(r"([\\`*_\[\]|])", r"\\\1", text)
        text = re_escape_misc_dash_sequences.sub(r"\1\\\2", text)
        text = re_escape_misc_hashes.sub(r"\1\\\2", text)
        return re_escape_misc_list_items.sub(r"\1\\\2", text)

    # Link targets, titles and alt text come from the sender: written as they are, a ")" or "]" in
    # them would end the Markdown link early and start new markup (a remote tracking image, say).
    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if el.get("href"):
            el["href"] = _markdown_url(str(el["href"]))
        el.attrs.pop("title", None)
        return super().convert_a(el, text, parent_tags)

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        el["src"] = _markdown_url(str(el.get("src") or ""))
        el["alt"] = re.sub(r"([\\\[\]])", r"\\\1", " ".join(str(el.get("alt") or "").split()))
        el.attrs.pop("title", None)
        return super().convert_img(el, text, parent_tags)

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        # A fence longer than any backtick run inside, so the code cannot close it and go live.
        longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}\n{text.strip(chr(10))}\n{fence}\n\n" if text else ""


def _markdown_url(url: str) -> str:
    """Percent-encode what would end or reshape a Markdown link target."""
    return re.sub(r"[\s()<>\[\]\\`\"']", lambda match: quote(match.group(0)), url)


def _normalized_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


class _Images:
    """Images of one message, cleaned, by Content-ID; each saved once, named by its hash."""

    def __init__(self, images_path: str, notes: list[str]) -> None:
        self.images_path = images_path
        self.notes = notes
        self.by_cid: dict[str, StoryImage] = {}
        self.saved: dict[str, StoryImage] = {}
        self.used: dict[str, StoryImage] = {}  # in story order

    def add(self, data: bytes, label: str, cid: str = "") -> StoryImage | None:
        try:
            clean = media.clean_image(data)
        except media.ImageRejected as error:
            self.notes.append(f"图片“{label}”未导入：{error}")
            return None
        image = StoryImage(f"{clean.sha256[:20]}.{clean.extension}", clean.data)
        self.saved.setdefault(image.name, image)
        if cid:
            self.by_cid[cid] = image
        return image

    def url(self, image: StoryImage) -> str:
        self.used[image.name] = image
        return f"{{static}}/{self.images_path}/{image.name}"


def _content_id(part: Message) -> str:
    value = part.get("content-id")
    return str(value).strip().strip("<>") if value else ""


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True) or b""
    _check_defects(part)
    return data


def _undeclared_base64(data: bytes) -> bytes | None:
    """A body that is nothing but base64 lines although no header says so (its Content-Transfer-
    Encoding line was damaged): the decoded bytes, or None when it is not cleanly base64."""
    lines = data.split()
    if not lines or max(len(line) for line in lines) < 40:
        return None
    if not all(_BASE64_LINE.fullmatch(line) for line in lines):
        return None
    try:
        return base64.b64decode(b"".join(lines), validate=True)
    except binascii.Error:
        return None


def _part_text(part: Message, characters: Counter[str]) -> str:
    payload = _payload(part)
    declared = str(part.get("content-transfer-encoding") or "").strip().lower()
    if declared not in ("base64", "quoted-printable") and (decoded := _undeclared_base64(payload)):
        payload = decoded
    try:
        text = decode_bytes(payload, part.get_content_charset())
    except UndecodableText:
        raise BadMessage(
            f"正文（{part.get_content_type()}）有损坏的字节，按声明的字符集、UTF-8 和 GBK 都读不出" + RESEND
        ) from None
    # Word's manual line break (U+000B) becomes a line break; other control characters go.
    text, found = clean_text(text, "<br>" if part.get_content_type() == "text/html" else "\n")
    characters.update(found)
    return text


def _looks_like_docx(part: Message, name: str, data: bytes) -> bool:
    return (part.get_content_type() == DOCX_TYPE or name.lower().endswith(".docx")) and data[:2] == b"PK"


def _docx_html(data: bytes, images: _Images, label: str) -> str:
    numbers = itertools.count()

    def keep_image(image: mammoth.documents.Image) -> dict[str, str]:
        # Counted even when the image is refused, so the next one cannot take its place.
        cid = f"docx-image-{label}-{next(numbers)}@mailbox-import"  # our name, not the sender's
        with image.open() as stream:
            images.add(stream.read(), f"{label} 内的图片", cid)
        return {"src": f"cid:{cid}", "alt": image.alt_text or ""}

    try:
        check_unpacked_size(data)
    except DocxTooLarge as error:
        raise BadMessage(f"附件“{label}”{error}" + RESEND) from None
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(slim_docx(data)), convert_image=mammoth.images.img_element(keep_image)
        )
    except Exception as error:  # mammoth raises many kinds on a damaged .docx
        raise BadMessage(
            f"附件“{label}”不是能读取的 Word 文档（.docx 已损坏：{type(error).__name__}）" + RESEND
        ) from None
    return result.value


def convert(
    data: bytes, images_path: str, public_emails: Collection[str] = (), dropped_file: str = ""
) -> Story:
    """Turn the raw bytes of an approved message into a Story, or raise BadMessage saying why.

    images_path is the images folder relative to the content folder ("images/submissions"). dropped_file
    names the drop-folder file the message wraps (dropfolder.py): its title is its first line when that
    is a heading, else its file name."""
    message = parse(data)
    cut = _cut_attachment(message)
    notes: list[str] = [MULTIPART_RECOVERED] if message[RECOVERED_HEADER] else []
    characters: Counter[str] = Counter()
    images = _Images(images_path, notes)
    docx_bodies: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            _check_defects(part, cut)
            continue
        if _is_body(part):
            continue
        ctype = part.get_content_type()
        name = attachment_name(part)
        # Control characters in a name would reach the report (a terminal): dropped, not counted.
        label = clean_text(privacy.mask_personal_data(name or ctype, public_emails)[0], " ")[0]
        if part is cut:
            try:
                payload = _payload(part)
            except BadMessage:
                notes.append(
                    f"邮件结尾缺失（传输中被截断），最后的附件“{label}”不完整，未导入；需要时请来稿单位重发"
                )
                continue
        else:
            payload = _payload(part)
        if _looks_like_docx(part, name, payload):
            docx_bodies.append(_docx_html(payload, images, label))
        elif (
            ctype.startswith("image/")
            or payload[:4] in (b"\x89PNG", b"GIF8", b"RIFF")
            or payload[:2] == b"\xff\xd8"
        ):
            images.add(payload, label, _content_id(part))
        elif payload:
            notes.append(f"附件“{label}”（{ctype}）未转换，请编辑查看原邮件")

    story_html = _pick_story("".join(_body_html(message, characters)), docx_bodies)
    subject, subject_category = clean_subject(_header_text(message, "subject", characters))
    sender_name, _address = email.utils.parseaddr(_header_text(message, "from", characters))
    story = _build_story(
        message,
        subject,
        subject_category,
        sender_name,
        story_html,
        images,
        public_emails,
        notes,
        dropped_file,
    )
    for field_name in ("title", "summary", "org", "body"):  # whatever else carried one (a &#1; in HTML)
        value, found = clean_text(getattr(story, field_name), " " if field_name != "body" else "\n")
        setattr(story, field_name, value)
        characters.update(found)
    if characters:
        story.notes.append(
            f"来信中有网页和订阅源不能容纳的控制字符（{describe(characters)}），已处理："
            "Word 的手动换行 U+000B 改为换行，其余删除；请核对相关段落"
        )
    return story


def _header_text(message: Message, name: str, characters: Counter[str]) -> str:
    """A header as one line of text; "" when its bytes are damaged beyond decoding."""
    try:
        text = decode_header_text(raw_header(message, name))
    except UndecodableText:
        return ""
    text, found = clean_text(text, " ")
    characters.update(found)
    return text


def _is_body(part: Message) -> bool:
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and (part.get_content_disposition() or "").lower() != "attachment"
        and not attachment_name(part)
    )


def _body_html(part: Message, characters: Counter[str]) -> list[str]:
    """The message's text parts as HTML, in order. Only alternatives of one text (multipart/
    alternative) are a choice, HTML first; in a mixed message every text part is kept, so a story in
    text/plain is not lost behind, say, a gateway's HTML disclaimer."""
    if part.is_multipart():
        children = part.get_payload()
        if part.get_content_subtype() == "alternative":
            chosen = [child for child in children if _body_html(child, Counter())]
            best = next((c for c in chosen if c.get_content_type() != "text/plain"), None)
            return _body_html(best or chosen[0], characters) if chosen else []
        return [html for child in children for html in _body_html(child, characters)]
    if not _is_body(part):
        return []
    text = _part_text(part, characters)
    return [text if part.get_content_type() == "text/html" else text_to_html(text)]


def _pick_story(body_html: str, docx_bodies: list[str]) -> str:
    if not docx_bodies:
        return body_html
    body_text = _visible_text(body_html)
    if len(_normalized_text(body_text)) <= COVER_NOTE_MAX_CHARS:
        return "".join(docx_bodies)
    return body_html + "".join(docx_bodies)


# Mail clients (QQ Mail, Foxmail, Outlook) write one <div> per paragraph, and Word headings arrive
# as <h1>; the sanitizer drops both tags but keeps their text, so without this the paragraphs run
# into each other. A div that holds only inline content is a paragraph; one that holds blocks is a
# wrapper. The story's own title is the page's h1, so headings start at h2.
_BLOCKS = {"p", "div", "table", "ul", "ol", "blockquote", "pre", "figure", "h1", "h2", "h3", "h4", "h5", "h6"}
_HEADING_LEVELS = {"h1": "h2", "h5": "h4", "h6": "h4"}


def paragraphs_from_mail_markup(fragment: str) -> str:
    """Turn mail clients' paragraph divs into <p> and fit headings under the story title."""
    soup = BeautifulSoup(fragment, "html.parser")
    for heading in soup.find_all(list(_HEADING_LEVELS)):
        heading.name = _HEADING_LEVELS[heading.name]
    for div in reversed(soup.find_all("div")):  # innermost first
        if div.find(_BLOCKS):
            div.unwrap()
        else:
            div.name = "p"
    return str(soup)


def _clean_story_html(fragment: str) -> BeautifulSoup:
    return BeautifulSoup(sanitize.clean_html(paragraphs_from_mail_markup(fragment)), "html.parser")


def _visible_text(fragment: str) -> str:
    soup = _clean_story_html(fragment)
    _cut_quoted_html(soup)
    return soup.get_text("\n")


def _mask_soup(soup: BeautifulSoup, public_emails: Collection[str], maskings: list) -> None:
    for text in list(soup.find_all(string=True)):
        masked, found = privacy.mask_personal_data(str(text), public_emails)
        if found:
            maskings.extend(found)
            text.replace_with(NavigableString(masked))
    for tag in soup.find_all(True):
        for attribute in ("href", "title", "alt"):
            if tag.get(attribute):
                masked, found = privacy.mask_personal_data(str(tag[attribute]), public_emails)
                maskings.extend(found)
                tag[attribute] = masked


def _place_images(soup: BeautifulSoup, images: _Images, default_alt: str) -> int:
    """Point cid: images at their saved files, drop all others, append unplaced photos; give every
    image alt text (the default where the sender gave none) and return how many got the default."""
    defaulted = 0
    for img in soup.find_all("img"):
        src = str(img.get("src") or "")
        image = images.by_cid.get(src[4:].strip("<>")) if src.lower().startswith("cid:") else None
        if image is None:  # remote, relative or unknown: nothing of it may reach the site
            img.decompose()
            continue
        img["src"] = images.url(image)
        if not str(img.get("alt") or "").strip():
            img["alt"] = default_alt
            defaulted += 1
    for name, image in images.saved.items():
        if name not in images.used:
            paragraph = soup.new_tag("p")
            paragraph.append(soup.new_tag("img", src=images.url(image), alt=default_alt))
            soup.append(paragraph)
            defaulted += 1
    return defaulted


# Title, summary and organization end up in HTML attributes and <title>: characters that could
# start markup or end an attribute become their full-width forms, which read the same in Chinese.
_MARKUP_CHARACTERS = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇"})


def _single_line(text: str, public_emails: Collection[str], maskings: list) -> str:
    text = " ".join(text.split()).translate(_MARKUP_CHARACTERS)
    masked, found = privacy.mask_personal_data(text, public_emails)
    maskings.extend(found)
    return masked


def _markdown_escaped(text: str) -> str:
    """Pelican renders the summary as Markdown: 138****1234 twice in one line would turn bold."""
    return re.sub(r"([\\`*_\[\]#])", r"\\\1", text)


def _message_date(message: Message) -> datetime:
    for value in (_header_text(message, "date", Counter()), *_received_dates(message)):
        if not value:
            continue
        try:
            when = email.utils.parsedate_to_datetime(decode_header_text(value))
        except (TypeError, ValueError, IndexError):
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=SITE_TIMEZONE)
        return when.astimezone(SITE_TIMEZONE)
    raise BadMessage("邮件没有可用的发信日期（Date 或 Received 头已缺失或损坏），无法确定稿件日期" + RESEND)


def _received_dates(message: Message) -> list[str]:
    return [str(value).rsplit(";", 1)[-1] for value in message.get_all("received") or []]


def _take_heading(soup: BeautifulSoup) -> str:
    """A document's first line when it reads as its title (short, no full stop): removed from the body
    and returned; "" when the document starts straight with its text."""
    first = next(
        (tag for tag in soup.find_all(_BLOCKS) if tag.get_text(strip=True) and not tag.find(_BLOCKS)), None
    )
    if first is None or first.name not in ("p", "div", "h2", "h3", "h4") or first.find_parent(_BLOCKS):
        return ""
    text = " ".join(first.get_text().split())
    if len(text) > TITLE_MAX_CHARS or text.endswith(("。", "！", "；", ".")):
        return ""
    first.decompose()
    return text


def _file_title(name: str) -> str:
    """A title from a file name: "协会稿件(1).docx" -> "协会稿件"."""
    stem = PurePosixPath(name).stem
    return re.sub(r"\s*([(（]\d+[)）]|-?\s*副本)$", "", stem).strip() or stem


def _lead_paragraph(soup: BeautifulSoup) -> str:
    """The first paragraph with some substance, whole (it is masked before it is shortened)."""
    for paragraph in soup.find_all(["p", "li", "div"]):
        # Inline tags join without a space, as they render: a space would split a number or address.
        text = " ".join(paragraph.get_text().split())
        if len(text) >= 10:
            return text
    return ""


def _shortened(text: str) -> str:
    """At most SUMMARY_MAX_CHARS, ending at a sentence where one ends late enough."""
    if len(text) <= SUMMARY_MAX_CHARS:
        return text
    cut = text[:SUMMARY_MAX_CHARS]
    end = max(cut.rfind("。"), cut.rfind("！"), cut.rfind("；"))
    return cut[: end + 1] if end > 20 else cut + "……"


def _guess_org(sender_name: str, text: str) -> str:
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


def _build_story(
    message: Message,
    subject: str,
    subject_category: str,
    sender_name: str,
    story_html: str,
    images: _Images,
    public_emails: Collection[str],
    notes: list[str],
    dropped_file: str = "",
) -> Story:
    soup = _clean_story_html(story_html)
    if cut_note := _cut_quoted_html(soup):
        notes.append(cut_note)
    text = soup.get_text("\n")
    if not _normalized_text(text):
        raise BadMessage("邮件里没有稿件正文（正文为空，也没有 .docx 附件）；请来稿单位补发稿件")
    if residue := MIME_RESIDUE.search(text):
        raise BadMessage(
            f"邮件在传输中损坏：正文里混有邮件的编码数据或结构行（“{residue.group(0).strip()[:30]}”），"
            "无法可靠地还原稿件" + RESEND
        )
    maskings: list[privacy.Masking] = []
    _mask_soup(soup, public_emails, maskings)
    if dropped_file:
        subject = _take_heading(soup) or _file_title(dropped_file)
        if subject == _file_title(dropped_file):
            notes.append(f"文件开头没有标题行，标题取自文件名“{dropped_file}”，请编辑确认")
        notes.append("稿件日期取自文件的修改时间（从工作群保存下来的时间），请编辑核对")
    masked_text = soup.get_text("\n")
    # Mask whole lines, then shorten: a number cut in half would no longer be recognised.
    first_line = next((line for line in masked_text.splitlines() if line.strip()), "")
    title = _single_line(subject or first_line, public_emails, maskings)
    title = title if subject else title[:TITLE_MAX_CHARS]
    default_alt = re.sub(r"[\[\]]", "", title) + "配图"  # brackets would end Markdown's ![alt]
    if _place_images(soup, images, default_alt):
        notes.append(f"有图片没有说明文字，暂用“{default_alt}”，请编辑补充图片说明")
    body = _StoryMarkdown(heading_style="ATX", bullets="-").convert_soup(soup).strip()
    # Again on the Markdown: catches numbers that markup had split across elements.
    body, found = privacy.mask_personal_data(body, public_emails, escape_markdown=True)
    maskings.extend(found)

    org = _guess_org(sender_name, masked_text)
    if not subject:
        notes.append("邮件没有主题：标题取自正文第一行，请编辑确认")
    story = Story(
        title=title,
        date=_message_date(message),
        summary=_markdown_escaped(_shortened(_single_line(_lead_paragraph(soup), public_emails, maskings))),
        body=body,
        org=_single_line(org, public_emails, maskings),
        org_type=guess_org_type(org),
        region=guess_region(org, text),
        category=guess_category(subject_category, subject, text),
        text_key=hashlib.sha256(_normalized_text(text).encode()).hexdigest(),
        cover=f"{images.images_path}/{next(iter(images.used))}" if images.used else "",
        images=list(images.used.values()),
        maskings=maskings,
        notes=notes,
    )
    for field_name, label in (
        ("org", "供稿单位"),
        ("org_type", "组织类型"),
        ("region", "地区"),
        ("category", "栏目"),
    ):
        if not getattr(story, field_name):
            notes.append(f"{label}无法从来信判断，留空待编辑补充")
    return story
