"""Parse a page handover wrote and check it is one self-contained, accessible document.

Checks: well-formed nesting (every opened element closed in order, void elements aside), a
language on <html>, a <title>, exactly one <h1>, headings that never skip a level, every table
with a <caption> first and header cells with a scope, no script, no frames or objects, no
outside resources (no src/href other than in-page anchors), no inline event handlers.
Usage: python3 check_html.py FILE  (exit 0 when it passes; each problem on its own line).
"""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FORBIDDEN = {"script", "iframe", "frame", "object", "embed", "applet", "link"}


class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems = [], []
        self.h1 = 0
        self.last_heading = 0
        self.lang = False
        self.title = False
        self.tables = []  # per open table: [caption seen first, child count]
        self.th_without_scope = 0
        self.tables_seen = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html" and a.get("lang"):
            self.lang = True
        if tag == "title":
            self.title = True
        if tag in FORBIDDEN:
            self.problems.append(f"forbidden element <{tag}>")
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append(f"inline event handler {k} on <{tag}>")
            if k in ("src", "href") and v and not v.startswith("#"):
                self.problems.append(f"outside resource {k}={v!r} on <{tag}>")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = int(tag[1])
            if tag == "h1":
                self.h1 += 1
            if level > self.last_heading + 1:
                self.problems.append(f"heading <{tag}> skips a level after h{self.last_heading}")
            self.last_heading = level
        if self.tables and self.stack and self.stack[-1] == "table":
            t = self.tables[-1]
            if t[1] == 0 and tag != "caption":
                self.problems.append(f"table {self.tables_seen}: first child is <{tag}>, not <caption>")
            t[1] += 1
        if tag == "table":
            self.tables.append([False, 0])
            self.tables_seen += 1
        if tag == "th" and "scope" not in a:
            self.th_without_scope += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()
        if tag == "table":
            self.tables.pop()


def main(path):
    text = open(path, encoding="utf-8").read()
    c = Check()
    c.feed(text)
    c.close()
    if not text.lower().startswith("<!doctype html>"):
        c.problems.append("no <!doctype html>")
    if c.stack:
        c.problems.append(f"unclosed elements: {c.stack}")
    if not c.lang:
        c.problems.append("<html> has no lang")
    if not c.title:
        c.problems.append("no <title>")
    if c.h1 != 1:
        c.problems.append(f"{c.h1} <h1> elements, not one")
    if c.th_without_scope:
        c.problems.append(f"{c.th_without_scope} header cells without scope")
    for p in c.problems:
        print(p)
    print(f"{c.tables_seen} tables")
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
