import io
import zipfile

import mammoth
from mailbox_import.wordfile import slim_docx
from mailcorpus import docx

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def with_styles(document_paragraphs: str, styles: str) -> bytes:
    base = zipfile.ZipFile(io.BytesIO(docx(["x"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in base.namelist():
            data = base.read(name)
            if name == "word/document.xml":
                data = f"<w:document {W_NS}><w:body>{document_paragraphs}</w:body></w:document>".encode()
            archive.writestr(name, data)
        archive.writestr("word/styles.xml", f"<w:styles {W_NS}>{styles}</w:styles>")
        archive.writestr(
            "word/_rels/document.xml.rels",
            (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'styles" Target="styles.xml"/></Relationships>'
            ),
        )
    return out.getvalue()


def style(style_id: str, name: str, based_on: str = "") -> str:
    base = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>{base}</w:style>'


def test_slimming_keeps_used_styles_and_their_bases_and_the_same_html():
    paragraphs = (
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>标题</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:pStyle w:val="MyQuote"/></w:pPr><w:r><w:t>引文</w:t></w:r></w:p>'
    )
    unused = "".join(style(f"Unused{n}", f"Unused {n}") for n in range(200))
    styles = (
        style("Heading1", "heading 1") + style("Base", "Base") + style("MyQuote", "Quote", "Base") + unused
    )
    original = with_styles(paragraphs, "<w:latentStyles/>" + styles)
    slim = slim_docx(original)
    kept = zipfile.ZipFile(io.BytesIO(slim)).read("word/styles.xml")
    assert b"Unused" not in kept and b"latentStyles" not in kept
    assert b'w:styleId="Base"' in kept and b'w:styleId="MyQuote"' in kept
    html = mammoth.convert_to_html(io.BytesIO(slim)).value
    assert html == mammoth.convert_to_html(io.BytesIO(original)).value
    assert html.startswith("<h1>标题</h1>")


def test_damaged_files_are_returned_untouched():
    assert slim_docx(b"PK\x03\x04broken") == b"PK\x03\x04broken"
    plain = docx(["无样式"])
    assert slim_docx(plain) == plain  # no styles part: nothing to slim


def test_a_docx_that_unpacks_too_large_is_refused():
    import pytest
    from mailbox_import.wordfile import DocxTooLarge, check_unpacked_size

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 5_000_000)  # compresses to a few KB
    with pytest.raises(DocxTooLarge, match="zip bomb"):
        check_unpacked_size(out.getvalue(), limit=1_000_000)
    check_unpacked_size(out.getvalue(), limit=10_000_000)
    check_unpacked_size(b"not a zip")  # damage is mammoth's to report
