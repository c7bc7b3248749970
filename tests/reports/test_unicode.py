"""Names and text in every script the reports print, read back from real PDFs with pdftotext
(the text and each word's place on the page) and pdffonts."""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from app.reports.bidi_text import visual_order
from app.reports.fonts import BODY_FONT, FALLBACK_FONT, font_runs, register_fonts
from app.reports.pages import numbered_canvas, stylesheet, text_paragraph
from app.reports.typed_text import VisualOrderParagraph
from tests.reports.conftest import pdf_text

MARGIN = 25 * mm
LEFT_EDGE, RIGHT_EDGE = MARGIN + 6, A4[0] - MARGIN - 6  # a frame pads its text by 6 pt
ARABIC_NAME = "محمد عبد الله"
HEBREW_NAME = "דוד כהן"
LTR_NAMES = ["Zoë", "Łukasz Wójcik", "Ørsted", "王芳", "山田太郎", "김민준"]
# what pdftotext gives for the Arabic name: its letters in their joined forms (meem initial,
# hah medial, meem medial, dal final; ain initial, beh medial, dal final; alef, lam initial,
# lam medial, heh final), in stored order, inside the right-to-left embedding marks it adds
ARABIC_EXTRACTED = ("\u202b\ufee3\ufea4\ufee4\ufeaa \ufecb\ufe92\ufeaa "
                    "\ufe8d\ufedf\ufee0\ufeea\u202c")
CHINESE = ("客户王芳今天上午来电，说她的订单还没有送到。"  # noqa: RUF001 (Chinese commas)
           "她希望我们在今天下班之前给她回电话，"  # noqa: RUF001
           "确认新的送货时间，并说明延误的原因。")  # noqa: RUF001


@dataclass
class Word:
    text: str
    page: int
    x_min: float
    y_min: float
    x_max: float

    @property
    def read(self) -> str:
        """The word as stored: a right-to-left word's letters put back in stored order and
        their joined forms as plain letters."""
        text = self.text
        if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
            text = text[::-1]
        return unicodedata.normalize("NFKC", text)


def write_pdf(path: Path, story: list, footer: str = "") -> Path:
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN)
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return path


def words(path: Path) -> list[Word]:
    """Every word pdftotext finds, where it is drawn."""
    found = []
    for page, body in enumerate(pdf_text(path, "-bbox").split("<page ")[1:], start=1):
        for x_min, y_min, x_max, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">'
                r"(.*?)</word>", body):
            found.append(Word(html.unescape(text), page, float(x_min), float(y_min),
                              float(x_max)))
    return found


def lines(path: Path, footers: bool = False) -> list[list[Word]]:
    """The words of each line drawn, top to bottom, each line's left to right; the page
    footers (below the bottom margin) only if ``footers``."""
    rows: list[list[Word]] = []
    for word in sorted(words(path), key=lambda w: (w.page, w.y_min)):
        if not footers and word.y_min > A4[1] - MARGIN:
            continue
        # the fonts' heights differ: a word a little higher or lower is on the same line
        if rows and rows[-1][0].page == word.page and word.y_min - rows[-1][0].y_min < 3:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: w.x_min) for row in rows]


def embedded_fonts(path: Path) -> dict[str, str]:
    """Each font in the PDF (without its subset prefix) and its emb/sub/uni flags."""
    table = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    return {row.split()[0].partition("+")[2] or row.split()[0]: " ".join(row.split()[-5:-2])
            for row in table}


@pytest.fixture
def body():
    return stylesheet()["BodyText"]


def test_every_name_comes_back_as_stored_in_the_shipped_fonts(tmp_path, body):
    names = [*LTR_NAMES, ARABIC_NAME, HEBREW_NAME]
    heading = stylesheet()["Heading2"]
    pdf = write_pdf(tmp_path / "names.pdf",
                    [text_paragraph(name, body) for name in names]
                    + [text_paragraph("王芳 Zoë", heading)])
    extracted = pdf_text(pdf).splitlines()
    for name in LTR_NAMES:
        assert name in extracted
    assert "王芳 Zoë" in extracted  # bold heading: CJK in the fallback, Latin in bold
    assert ARABIC_EXTRACTED in extracted
    assert unicodedata.normalize("NFKC", ARABIC_EXTRACTED[1:-1]) == ARABIC_NAME
    assert f"\u202b{HEBREW_NAME}\u202c" in extracted
    fonts = embedded_fonts(pdf)
    for font in ("DejaVuSans", "DejaVuSans-Bold", "DroidSansFallback"):
        assert fonts[font] == "yes yes yes"  # embedded, subset, with a map back to text
    assert not any(font.startswith("Helvetica") for font in fonts)


def test_text_with_no_cjk_embeds_no_fallback_font(tmp_path, body):
    pdf = write_pdf(tmp_path / "latin.pdf", [text_paragraph("Zoë Ørsted, Łukasz Wójcik",
                                                            body)])
    assert set(embedded_fonts(pdf)) == {"DejaVuSans"}


def test_only_the_glyphs_used_are_embedded(tmp_path, body):
    latin = write_pdf(tmp_path / "latin.pdf", [text_paragraph("Zoë Ørsted", body)])
    cjk = write_pdf(tmp_path / "cjk.pdf", [text_paragraph("Zoë Ørsted " + CHINESE, body)])
    # the whole fallback font is 3.4 MB; 50 ideographs' glyphs are a few kilobytes
    assert cjk.stat().st_size - latin.stat().st_size < 60_000


def test_markup_looking_text_prints_as_typed(tmp_path, body):
    typed = 'Typed: <b>not bold</b> & &amp; 王芳 <font name="Helvetica">x</font> <br/>'
    pdf = write_pdf(tmp_path / "markup.pdf", [text_paragraph(typed, body)])
    assert typed in pdf_text(pdf).splitlines()
    assert set(embedded_fonts(pdf)) == {"DejaVuSans", "DroidSansFallback"}


def test_latin_text_is_a_plain_paragraph_as_before(body):
    paragraph = text_paragraph("Zoë & <b>Łukasz</b>\nline two", body)
    assert type(paragraph) is Paragraph
    assert paragraph.getPlainText() == "Zoë & <b>Łukasz</b>line two"
    assert type(text_paragraph(ARABIC_NAME, body)) is VisualOrderParagraph


def test_a_2000_line_description_splits_across_pages_intact(tmp_path, body):
    description = "\n".join(f"Line {n:04d} of what the caller said" for n in range(1, 2001))
    pdf = write_pdf(tmp_path / "long.pdf", [text_paragraph(description, body)])
    found = re.findall(r"Line (\d{4}) of what the caller said", pdf_text(pdf))
    assert found == [f"{n:04d}" for n in range(1, 2001)]
    assert words(pdf)[-1].page > 20


def test_a_2000_line_description_in_three_scripts_splits_intact(tmp_path, body):
    description = "\n".join(f"Line {n:04d} 王芳 {ARABIC_NAME}" for n in range(1, 2001))
    pdf = write_pdf(tmp_path / "long.pdf", [text_paragraph(description, body)])
    drawn = [[word.read for word in line] for line in lines(pdf)]
    # each line left to right: the English, the Chinese, then the Arabic name read from
    # the right (so its first word is drawn last)
    assert drawn == [["Line", f"{n:04d}", "王芳", *ARABIC_NAME.split()[::-1]]
                     for n in range(1, 2001)]


def test_a_long_arabic_paragraph_reads_right_to_left_line_after_line(tmp_path, body):
    text = " ".join(f"كلمة {n}" for n in range(1, 1201))
    pdf = write_pdf(tmp_path / "arabic.pdf", [text_paragraph(text, body)])
    drawn = lines(pdf)
    numbers = [int(word.text) for line in drawn for word in reversed(line)
               if word.text.isdigit()]
    assert numbers == list(range(1, 1201))  # lines top to bottom, each right to left
    assert {word.read for line in drawn for word in line if not word.text.isdigit()} \
        == {"كلمة"}
    assert drawn[-1][-1].page > drawn[0][0].page  # split across pages
    for line in drawn:  # aligned on the right, as it is read
        assert line[-1].x_max == pytest.approx(RIGHT_EDGE, abs=1)


def test_an_english_sentence_with_an_arabic_name_stays_readable(tmp_path, body):
    sentence = f"Please call {ARABIC_NAME} back about order 4471 today."
    pdf = write_pdf(tmp_path / "mixed.pdf", [text_paragraph(sentence, body)])
    (line,) = lines(pdf)
    assert [word.read for word in line] == [
        "Please", "call", *ARABIC_NAME.split()[::-1], "back", "about", "order", "4471",
        "today."]
    assert line[0].x_min == pytest.approx(LEFT_EDGE, abs=1)  # an English line: on the left


def test_a_long_cjk_paragraph_wraps_within_the_frame(tmp_path, body):
    korean = "김민준 씨는 서울에 있는 회사에서 일하고 있습니다."
    text = " ".join([CHINESE * 8, "Then the internationalisation team called.", korean,
                     CHINESE * 8])
    pdf = write_pdf(tmp_path / "cjk.pdf", [text_paragraph(text, body)])
    drawn = lines(pdf)
    assert len(drawn) > 20
    for line in drawn:
        assert line[0].x_min >= LEFT_EDGE - 0.5
        assert line[-1].x_max <= RIGHT_EDGE + 0.5
    read = [word.text for line in drawn for word in line]
    assert "".join(read) == text.replace(" ", "")  # every character, in order
    for whole in ["internationalisation", *korean.split()]:  # words still break at spaces
        assert whole in read


def test_the_footer_prints_the_organisation_in_any_script(tmp_path, body):
    pdf = write_pdf(tmp_path / "footer.pdf", [text_paragraph("Zoë", body)],
                    footer=f"北京华为技术有限公司 · {ARABIC_NAME}")
    footer = lines(pdf, footers=True)[-1]
    assert [word.read for word in footer] == [
        "北京华为技术有限公司", "·", *ARABIC_NAME.split()[::-1], "Page", "1", "of", "1"]
    assert footer[0].x_min == pytest.approx(18 * mm, abs=1)
    assert footer[-1].x_max == pytest.approx(A4[0] - 18 * mm, abs=1)


def test_runs_of_characters_the_body_font_lacks_go_to_the_fallback():
    register_fonts()
    assert font_runs("Zoë 王芳!", BODY_FONT) == [
        ("Zoë ", BODY_FONT), ("王芳", FALLBACK_FONT), ("!", BODY_FONT)]
    assert font_runs("ก", BODY_FONT) == [("ก", BODY_FONT)]  # Thai: neither has it, a box
    assert font_runs("王芳", "Helvetica") == [("王芳", "Helvetica")]  # not TrueType


def test_brackets_in_right_to_left_text_face_the_words_they_enclose():
    # (مثال) 12 read right to left: "12" drawn leftmost, the word reversed, and the
    # brackets mirrored so each still opens towards the word
    assert visual_order("(مثال) 12", rtl=True) == "12 (" + "مثال"[::-1] + ")"
    assert visual_order("call (مثال) now", rtl=False) == "call (" + "مثال"[::-1] + ") now"


def test_vowel_marks_come_just_before_their_letter_where_dejavu_draws_them_over_it():
    word = "م\u064fح\u064eم\u0651\u064eد"  # mu-ha-mma-d, the marks after their letter
    assert visual_order(word, rtl=True) == word[::-1]
