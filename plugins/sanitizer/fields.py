"""Every text field of a story (title, tags, organization, WeChat author, and any field a later
feature adds) is plain text, made so once as the story is read, like its body.

Each writer escapes a field for its place (the theme's autoescape, lxml in the feeds, json), but some
places hand the decoded text to a reader that renders it as HTML: RSS `title`, `description`,
`dc:creator` and `category` are read as HTML by common RSS readers. So a field carries nothing that
could start markup there: `<` and `>` become their full-width forms ＜ ＞, which read the same in
Chinese, and so does the `&` of a character reference (`&lt;` would be `<` to a reader that decodes
twice); an `&` in "A&B" or in a link stays. A field is one line. The importer makes a mail's subject,
sender and file name into fields with the same rule (`tools/mailbox_import`).
"""

import logging
import re
from typing import Any

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

logger = logging.getLogger(__name__)

_MARKUP_START = re.compile(r"[<>]|&(?=#?[A-Za-z0-9]+;)")
_FULL_WIDTH = {"<": "＜", ">": "＞", "&": "＆"}
# Front matter that is not shown as text: the summary is story HTML (cleaned with the body), the
# others are dates, addresses, file paths, identifiers or switches, which the rule would break.
NOT_TEXT = frozenset({
    "summary", "date", "modified", "slug", "save_as", "url", "template", "status", "lang",
    "translation", "cover", "source", "feed_id", "channels", "sample", "reader", "sanitizer_removed",
})  # fmt: skip
# What a reader rendering HTML would take for a tag, comment or character reference.
_MARKUP = re.compile(r"<[A-Za-z/!?]|&#?[A-Za-z0-9]+;")
# One format string for every file, so plugins/buildlog counts them as one kind.
WARNING = (
    "稿件 %s 的 %s 含有网页代码，已改成全角＜＞当作文字显示（网页和订阅源都不会执行它）："
    "请在文件里把这几项改成纯文字。(held markup, shown as text; write these fields as plain text)"
)


def plain_text(value: str) -> str:
    """A field's text on one line, with nothing a reader could take for markup."""
    return _MARKUP_START.sub(lambda match: _FULL_WIDTH[match.group(0)], " ".join(value.split()))


def has_markup(value: str) -> bool:
    return bool(_MARKUP.search(value))


def _plain(value: Any, settings: dict[str, Any]) -> Any:
    """`value` with the rule applied to its text: a string, a tag or category, or a list of them."""
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, URLWrapper):
        name = plain_text(value.name)
        return value if name == value.name else type(value)(name, settings)
    if isinstance(value, list):
        return [_plain(each, settings) for each in value]
    return value


def _text_of(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_text_of(each) for each in value)
    return str(value) if isinstance(value, str | URLWrapper) else ""


def make_fields_plain(content: Content) -> list[str]:
    """Apply the rule to every text field of `content`, in its metadata and attributes; returns the
    names of the fields that held markup (as the file writes them: "Title", "Tags")."""
    marked = []
    for key, value in list(content.metadata.items()):
        if key in NOT_TEXT:
            continue
        plain = _plain(value, content.settings)
        if _text_of(plain) == _text_of(value):
            continue
        if has_markup(_text_of(value)):
            marked.append(key.capitalize())
        content.metadata[key] = plain
        setattr(content, key, plain)
        if key == "author" and "authors" not in content.metadata:
            content.authors = [plain]  # Pelican made the list from the author before
    return marked


def warn(relative_path: str, fields: list[str]) -> None:
    logger.warning(WARNING, relative_path, ", ".join(fields))
