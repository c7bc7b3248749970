"""Write a sample PDF page of names and text in many scripts, as the reports print them, and
render it to docs/unicode-sample.png (needs pdftoppm from poppler-utils).

    uv run python scripts/unicode_sample.py [--pdf out.pdf]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import SimpleDocTemplate, Table  # noqa: E402

from app.reports.pages import (  # noqa: E402
    numbered_canvas,
    stylesheet,
    table_style,
    text_paragraph,
)

NAMES = [("Latin", "Zoë Ørsted, Łukasz Wójcik"), ("Chinese", "王芳"),
         ("Japanese", "山田太郎 (やまだ たろう)"), ("Korean", "김민준"),
         ("Arabic", "محمد عبد الله"), ("Hebrew", "דוד כהן")]
MIXED = ("Caller محمد عبد الله rang at 10:30 about order 4471; 王芳 of 北京华为技术有限公司 "
         "called back, and דוד כהן (the manager) was copied in.")
ARABIC = ("اتصل العميل محمد عبد الله صباح اليوم بخصوص الطلب رقم (4471) وقال إن الطلب لم يصل "
          "بعد، وطلب أن نعاود الاتصال به قبل نهاية اليوم لتأكيد موعد التسليم الجديد.")
CHINESE = ("客户王芳今天上午来电，说她的订单还没有送到。"  # noqa: RUF001 (Chinese commas)
           "她希望我们在今天下班之前给她回电话，"  # noqa: RUF001
           "确认新的送货时间，并说明延误的原因。"  # noqa: RUF001
           "她的公司北京华为技术有限公司也在等这批货。")
ORGANISATION = "北京华为技术有限公司 · شركة محمد · Zoë Ørsted Ltd"
MARKUP = "Typed as is: <b>not bold</b> & &amp; stays &amp;"


def write_sample(path: Path) -> None:
    """The sample page, written to ``path``."""
    styles = stylesheet()
    body, bold = styles["BodyText"], styles["Heading4"]
    rows = [[text_paragraph(script, bold), text_paragraph(name, body)]
            for script, name in NAMES]
    story = [text_paragraph("Every name prints", styles["Title"]),
             Table(rows, colWidths=[30 * mm, None], style=table_style()),
             text_paragraph("An English sentence with names in it", bold),
             text_paragraph(MIXED, body),
             text_paragraph("An Arabic paragraph, wrapped right to left", bold),
             text_paragraph(ARABIC, body),
             text_paragraph("A Chinese paragraph, wrapped between characters", bold),
             text_paragraph(CHINESE, body),
             text_paragraph(MARKUP, body)]
    doc = SimpleDocTemplate(str(path), pagesize=A4, title="Unicode sample",
                            leftMargin=25 * mm, rightMargin=70 * mm)
    doc.build(story, canvasmaker=numbered_canvas(ORGANISATION))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, help="keep the PDF here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pdf = args.pdf or Path(folder) / "unicode-sample.pdf"
        write_sample(pdf)
        png = ROOT / "docs" / "unicode-sample"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(png)],
                       check=True)
    print(f"{png}.png")


if __name__ == "__main__":
    main()
