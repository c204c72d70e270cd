"""One approved message -> one story: text, metadata guesses and images, with personal data masked.

Pure: bytes in, a Story out (nothing written), so a process pool can run it and tests can call it.
The jobs are in their own modules: reading the message's parts (`mailparts`), making its HTML the
story's Markdown (`storyhtml`) and guessing its metadata (`guesses`); this one assembles the story.
"""

import email.utils
import hashlib
import io
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from email.message import Message

import mammoth
from bs4 import BeautifulSoup
from controlchars.characters import clean_text, describe
from sanitizer.fields import plain_text

from . import media, privacy
from .decode import attachment_name
from .guesses import (
    TITLE_MAX_CHARS,
    clean_subject,
    file_title,
    guess_category,
    guess_org,
    guess_org_type,
    guess_region,
    lead_paragraph,
    shortened,
    take_heading,
)
from .mailparts import (
    MIME_RESIDUE,
    MULTIPART_RECOVERED,
    RECOVERED_HEADER,
    RESEND,
    BadMessage,
    body_html,
    check_defects,
    content_id,
    cut_attachment,
    header_text,
    is_body,
    message_date,
    parse,
    part_payload,
)
from .storyhtml import StoryMarkdown, clean_story_html, cut_quoted_html, mask_soup, visible_text
from .wordfile import DocxTooLarge, check_unpacked_size, slim_docx

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A mail body this short next to a .docx is a cover note ("稿件见附件，请审阅"): the .docx is the story.
COVER_NOTE_MAX_CHARS = 150


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
    data: bytes,
    images_path: str,
    public_emails: Collection[str] = (),
    dropped_file: str = "",
    *,
    zone: tzinfo,
) -> Story:
    """Turn the raw bytes of an approved message into a Story, or raise BadMessage saying why.

    images_path is the images folder relative to the content folder ("images/submissions"); zone is the
    site's time zone (TIMEZONE), in which the story is dated. dropped_file
    names the drop-folder file the message wraps (dropfolder.py): its title is its first line when that
    is a heading, else its file name."""
    message = parse(data)
    cut = cut_attachment(message)
    notes: list[str] = [MULTIPART_RECOVERED] if message[RECOVERED_HEADER] else []
    characters: Counter[str] = Counter()
    images = _Images(images_path, notes)
    docx_bodies: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            check_defects(part, cut)
            continue
        if is_body(part):
            continue
        ctype = part.get_content_type()
        name = attachment_name(part)
        # Control characters in a name would reach the report (a terminal): dropped, not counted.
        label = clean_text(privacy.mask_personal_data(name or ctype, public_emails)[0], " ")[0]
        if part is cut:
            try:
                payload = part_payload(part)
            except BadMessage:
                notes.append(
                    f"邮件结尾缺失（传输中被截断），最后的附件“{label}”不完整，未导入；需要时请来稿单位重发"
                )
                continue
        else:
            payload = part_payload(part)
        if _looks_like_docx(part, name, payload):
            docx_bodies.append(_docx_html(payload, images, label))
        elif (
            ctype.startswith("image/")
            or payload[:4] in (b"\x89PNG", b"GIF8", b"RIFF")
            or payload[:2] == b"\xff\xd8"
        ):
            images.add(payload, label, content_id(part))
        elif payload:
            notes.append(f"附件“{label}”（{ctype}）未转换，请编辑查看原邮件")

    story_html = _pick_story("".join(body_html(message, characters)), docx_bodies)
    subject, subject_category = clean_subject(header_text(message, "subject", characters))
    sender_name, _address = email.utils.parseaddr(header_text(message, "from", characters))
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
        zone,
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


def _pick_story(body_html: str, docx_bodies: list[str]) -> str:
    if not docx_bodies:
        return body_html
    body_text = visible_text(body_html)
    if len(_normalized_text(body_text)) <= COVER_NOTE_MAX_CHARS:
        return "".join(docx_bodies)
    return body_html + "".join(docx_bodies)


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


def _single_line(text: str, public_emails: Collection[str], maskings: list) -> str:
    """Title, summary and organization: a field by the site's one rule for text fields, masked."""
    masked, found = privacy.mask_personal_data(plain_text(text), public_emails)
    maskings.extend(found)
    return masked


def _markdown_escaped(text: str) -> str:
    """Pelican renders the summary as Markdown: 138****1234 twice in one line would turn bold."""
    return re.sub(r"([\\`*_\[\]#])", r"\\\1", text)


def _build_story(
    message: Message,
    subject: str,
    subject_category: str,
    sender_name: str,
    story_html: str,
    images: _Images,
    public_emails: Collection[str],
    notes: list[str],
    dropped_file: str,
    zone: tzinfo,
) -> Story:
    soup = clean_story_html(story_html)
    if cut_note := cut_quoted_html(soup):
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
    mask_soup(soup, public_emails, maskings)
    if dropped_file:
        subject = take_heading(soup) or file_title(dropped_file)
        if subject == file_title(dropped_file):
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
    body = StoryMarkdown(heading_style="ATX", bullets="-").convert_soup(soup).strip()
    # Again on the Markdown: catches numbers that markup had split across elements.
    body, found = privacy.mask_personal_data(body, public_emails, escape_markdown=True)
    maskings.extend(found)

    org = guess_org(sender_name, masked_text)
    if not subject:
        notes.append("邮件没有主题：标题取自正文第一行，请编辑确认")
    story = Story(
        title=title,
        date=message_date(message, zone),
        summary=_markdown_escaped(shortened(_single_line(lead_paragraph(soup), public_emails, maskings))),
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
