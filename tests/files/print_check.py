"""Print a page handover wrote with headless Chromium, as a reader would on A4, and check it.

Usage: python3 print_check.py WORK_DIR MAX_PAGES FILE.html
Prints one JSON line: {"pages": N, "width": W, "height": H, "overflow": [...], "missing": [...],
"alone_at_foot": [...], "split_dates": [...], "raw": [...]}
and exits 1 when the page does not print well:
- the PDF is not A4 (portrait or landscape), or has more than MAX_PAGES pages;
- a word is drawn beyond the page's right or left edge (a column cut off);
- a word of the page's visible text is not in the PDF at all (clipped away);
- a heading, a table's caption or its header row ends a page, alone;
- a date is split across two lines;
- the visible text holds a backtick (the tool's terminal quoting, never for a reader).
Needs Debian's chromium and poppler-utils (pdfinfo, pdftotext); a missing tool is an error.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser


class Text(HTMLParser):
    """The visible text of a page: not its <title>, <style> or <script>; and the text of what must
    not stand alone at a page's foot: headings, table captions and table header rows."""

    LEADS = ("h1", "h2", "h3", "h4", "caption")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts = []
        self.lead = None
        self.leads = []
        self.in_thead = False
        self.header_row = None

    def handle_starttag(self, tag, attrs):
        if tag in ("title", "style", "script"):
            self.skip += 1
        if tag in self.LEADS:
            self.lead = []
        if tag == "thead":
            self.in_thead = True
        if tag == "tr" and self.in_thead:
            self.header_row = []

    def handle_endtag(self, tag):
        if tag in ("title", "style", "script"):
            self.skip -= 1
        if tag in self.LEADS and self.lead is not None:
            self.leads.append(" ".join("".join(self.lead).split()))
            self.lead = None
        if tag == "tr" and self.header_row is not None:
            self.leads.append(" ".join(" ".join(self.header_row).split()))
            self.header_row = None
        if tag == "thead":
            self.in_thead = False

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)
            if self.lead is not None:
                self.lead.append(data)
            if self.header_row is not None:
                self.header_row.append(data + " ")


MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(r"\b\d{1,2} (?:" + MONTHS + r") \d{4}\b|\b\d{4}-\d{2}-\d{2}\b")


def alone_at_foot(pages, leads):
    """Headings, captions or table header rows that end a page (not the last), their text
    following on the next page."""
    norm = [x for x in leads if len(x) >= 4]
    found = []
    for page in pages[:-1]:
        lines = [" ".join(l.split()) for l in page.splitlines() if l.strip()]
        if not lines:
            continue
        last = lines[-1]
        if any(last == x or (len(last) >= 8 and last in x) or (len(x) >= 8 and x in last and len(last) - len(x) < 4) for x in norm):
            found.append(last)
    return found


def need(tool):
    if shutil.which(tool) is None:
        sys.exit(f"error: '{tool}' is not installed: run .ci/run (scripts/test.sh installs it)")


def main(work, max_pages, page):
    for t in ("chromium", "pdfinfo", "pdftotext"):
        need(t)
    os.makedirs(work, exist_ok=True)
    pdf = os.path.join(work, os.path.basename(page) + ".pdf")
    profile = os.path.join(work, "chromium-profile")
    subprocess.run(
        [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
            "file://" + os.path.abspath(page),
        ],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
        # Chromium keeps nothing of its own outside the work folder (no ~/.config/chromium).
        env={**os.environ, "HOME": os.path.abspath(work), "XDG_CONFIG_HOME": os.path.join(os.path.abspath(work), "config")},
    )
    info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    w, h = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups())
    a4 = sorted((round(w), round(h))) == [595, 842]
    bbox = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True, capture_output=True, text=True).stdout
    overflow = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox):
        x0, x1, word = float(m.group(1)), float(m.group(2)), html.unescape(m.group(3))
        if x1 > w + 0.5 or x0 < -0.5:
            overflow.append(word)
    printed = subprocess.run(["pdftotext", "-raw", pdf, "-"], check=True, capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", printed)
    t = Text()
    t.feed(open(page, encoding="utf-8").read())
    visible = " ".join(t.parts)
    words = set(re.findall(r"\w{3,}", visible))
    missing = sorted(x for x in words if x not in flat)
    # Nothing a reader would call a heading left alone at a page's foot.
    alone = alone_at_foot(printed.split("\f"), t.leads)
    # A date is never split across two lines.
    lines = [" ".join(l.split()) for l in printed.splitlines()]
    split_dates = sorted({d for d in DATE.findall(" ".join(visible.split())) if not any(d in l for l in lines)})
    # No raw markup for a reader: backticks are the tool's terminal quoting, never printed.
    raw = sorted({" ".join(m.group(0).split()) for m in re.finditer(r".{0,30}`.{0,30}", visible)})
    ok = a4 and pages <= max_pages and not overflow and not missing and not alone and not split_dates and not raw
    print(json.dumps({"pages": pages, "width": w, "height": h, "a4": a4, "overflow": overflow[:20], "missing": missing[:20], "alone_at_foot": alone[:20], "split_dates": split_dates[:20], "raw": raw[:20]}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
