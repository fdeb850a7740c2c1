"""DOCX (python-docx) and printable HTML of a :class:`~.content.Doc`, with neutral metadata.

The DOCX carries no author, no last editor, no application or template name, and the only time in it
is the date he chose (core properties and the ZIP entries' timestamps).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import zipfile

from .content import Doc

CORE_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:creator></dc:creator><dc:language>ru-RU</dc:language>"
    "<cp:revision>1</cp:revision>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
    "</cp:coreProperties>"
)
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)


def _tidy(doc: Doc) -> Doc:
    """'2026 г..' -> '2026 г.' in the program's own text (never in his verbatim text)."""
    for b in doc.blocks:
        if b.kind != "verbatim":
            b.text = b.text.replace("г..", "г.")
            b.items = [x.replace("г..", "г.") for x in b.items]
    return doc


def to_docx(doc: Doc, on: dt.date) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
    from docx.shared import Cm, Pt

    _tidy(doc)
    d = Document()
    sec = d.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Cm(2.5), Cm(1.5), Cm(2), Cm(2)
    normal = d.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(4)
    for b in doc.blocks:
        if b.kind == "right":
            for line in b.text.split("\n"):
                p = d.add_paragraph(line)
                p.paragraph_format.left_indent = Cm(8)
                p.paragraph_format.space_after = Pt(0)
                if line.startswith("("):
                    for r in p.runs:
                        r.italic = True
                        r.font.size = Pt(9)
        elif b.kind == "title":
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_before = Pt(18)
            p.paragraph_format.space_after = Pt(12)
            for i, line in enumerate(b.text.split("\n")):
                r = p.add_run(line)
                r.bold = True
                if i == 0:
                    r.font.size = Pt(14)
                if i < len(b.text.split("\n")) - 1:
                    r.add_break()
        elif b.kind == "h":
            p = d.add_paragraph()
            p.paragraph_format.space_before = Pt(10)
            p.add_run(b.text).bold = True
        elif b.kind == "p":
            p = d.add_paragraph(b.text)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            p.paragraph_format.first_line_indent = Cm(1.25) if b.text else None
        elif b.kind == "verbatim":
            for para in b.text.split("\n\n"):
                p = d.add_paragraph()
                lines = para.split("\n")
                for i, line in enumerate(lines):
                    r = p.add_run(line)
                    if i < len(lines) - 1:
                        r.add_break()
        elif b.kind in ("ol", "ul"):
            for i, item in enumerate(b.items, 1):
                p = d.add_paragraph(f"{i}. {item}" if b.kind == "ol" else f"• {item}")
                p.paragraph_format.left_indent = Cm(1)
                p.paragraph_format.first_line_indent = Cm(-0.5)
                p.paragraph_format.space_after = Pt(2)
        elif b.kind == "sign":
            p = d.add_paragraph(b.text)
            p.paragraph_format.space_before = Pt(24)
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.tab_stops.add_tab_stop(Cm(17), WD_TAB_ALIGNMENT.RIGHT)
        elif b.kind == "note":
            p = d.add_paragraph()
            p.paragraph_format.tab_stops.add_tab_stop(Cm(17), WD_TAB_ALIGNMENT.RIGHT)
            r = p.add_run(b.text)
            r.italic = True
            r.font.size = Pt(9)
        elif b.kind == "blank":
            d.add_paragraph()
        elif b.kind == "pagebreak":
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    when = dt.datetime(on.year, on.month, on.day)
    cp = d.core_properties
    cp.author, cp.last_modified_by, cp.comments, cp.title = "", "", "", doc.title
    cp.created = cp.modified = when
    cp.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    return _neutralise(buf.getvalue(), doc.title, when)


def _neutralise(data: bytes, title: str, when: dt.datetime) -> bytes:
    """Rewrite the package: minimal core and app properties, no thumbnail of the template, and every
    ZIP entry stamped with the chosen date (python-docx would stamp the machine's clock)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = (when.year, when.month, when.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            body = src.read(name)
            if name == "docProps/core.xml":
                body = CORE_XML.format(title=html.escape(title), when=when.strftime("%Y-%m-%dT%H:%M:%SZ")).encode()
            elif name == "docProps/app.xml":
                body = APP_XML.encode()
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, body)
    return out.getvalue()


CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 25mm; }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; font-size: 12pt;
       line-height: 1.35; max-width: 170mm; margin: 0 auto; color: #000; background: #fff; }
.right { margin-left: 45%; }
.right p { margin: 0; }
.small { font-size: 9pt; font-style: italic; }
h1 { text-align: center; font-size: 14pt; margin: 18pt 0 12pt; }
h1 span { display: block; font-size: 12pt; }
h2 { font-size: 12pt; margin: 10pt 0 4pt; }
p.body { text-align: justify; text-indent: 1.25cm; margin: 4pt 0; }
.verbatim { white-space: pre-wrap; margin: 4pt 0 8pt; }
ol, ul { margin: 2pt 0 6pt; }
.sign { margin-top: 24pt; display: flex; justify-content: space-between; }
.pagebreak { break-after: page; page-break-after: always; height: 0; }
@media screen { body { padding: 15mm; } .pagebreak { border-top: 1px dashed #999; margin: 18pt 0; } }
"""


def to_html(doc: Doc) -> str:
    e = html.escape
    _tidy(doc)
    out = [
        '<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8">',
        f"<title>{e(doc.title)}</title><style>{CSS}</style></head><body>",
    ]
    for b in doc.blocks:
        if b.kind == "right":
            lines = "".join(
                f'<p class="small">{e(x)}</p>' if x.startswith("(") else f"<p>{e(x) or '&nbsp;'}</p>"
                for x in b.text.split("\n")
            )
            out.append(f'<div class="right">{lines}</div>')
        elif b.kind == "title":
            first, *rest = b.text.split("\n")
            out.append(f"<h1>{e(first)}" + "".join(f"<span>{e(x)}</span>" for x in rest) + "</h1>")
        elif b.kind == "h":
            out.append(f"<h2>{e(b.text)}</h2>")
        elif b.kind == "p":
            out.append(f'<p class="body">{e(b.text) or "&nbsp;"}</p>')
        elif b.kind == "verbatim":
            out.append(f'<div class="verbatim">{e(b.text)}</div>')
        elif b.kind in ("ol", "ul"):
            out.append(f"<{b.kind}>" + "".join(f"<li>{e(x)}</li>" for x in b.items) + f"</{b.kind}>")
        elif b.kind == "sign":
            left, _, right = b.text.partition("\t")
            out.append(f'<div class="sign"><span>{e(left)}</span><span>{e(right)}</span></div>')
        elif b.kind == "note":
            left, _, right = b.text.partition("\t")
            if right:
                out.append(
                    f'<div class="sign small" style="margin-top:0"><span>{e(left)}</span><span>{e(right)}</span></div>'
                )
            else:
                out.append(f'<p class="small">{e(b.text)}</p>')
        elif b.kind == "blank":
            out.append("<p>&nbsp;</p>")
        elif b.kind == "pagebreak":
            out.append('<div class="pagebreak"></div>')
    out.append("</body></html>\n")
    return "\n".join(out)
