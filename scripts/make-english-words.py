#!/usr/bin/env python3
"""Writes src/transfer/redact/english_words.txt: the words of Debian's `wbritish` list
(/usr/share/dict/british-english, from SCOWL, (c) Kevin Atkinson and others, a permissive licence:
"Permission to use, copy, modify, distribute and sell these word lists ... is hereby granted
without fee"), lower case, accents folded, letters only, one per line. The redactor reads two
capitalised words of which one is in no English dictionary ("Temitope Danso", "Huw Evans") as a
possible name; two ordinary words ("Steering Group") never are.

Usage: apt-get install wbritish; python3 scripts/make-english-words.py [DICT]
"""
import os
import re
import sys
import unicodedata

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "transfer", "redact", "english_words.txt")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/dict/british-english"
    words = set()
    for w in open(src, encoding="utf-8"):
        w = w.strip()
        if not w or "'" in w:
            continue
        n = unicodedata.normalize("NFKD", w.lower())
        n = "".join(c for c in n if not unicodedata.combining(c))
        if re.fullmatch(r"[a-z]+", n) and len(n) > 1:
            words.add(n)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(
            "# English words: Debian's wbritish list (SCOWL; (c) Kevin Atkinson and others; permission to use,\n"
            "# copy, modify, distribute and sell granted without fee), lower case, accents folded, letters\n"
            f"# only. Written by scripts/make-english-words.py. {len(words)} words.\n"
        )
        for w in sorted(words):
            f.write(w + "\n")
    print(f"wrote {OUT}: {len(words)} words")


if __name__ == "__main__":
    main()
