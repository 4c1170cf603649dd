#!/usr/bin/env python3
"""Writes src/transfer/redact/given_names.txt: the given names a possible name of someone in no
register may start with, lower case, accents folded, one per line.

Sources (both openly licensed, both from the package registries this project uses):
- Faker's person providers (PyPI `faker`, MIT licence): the first names of every locale written
  in the Latin script, the languages of the UK's communities among them (English, Irish, Welsh
  names in en_GB, Scottish, Nigerian English, Yoruba, Igbo, Hausa, Twi, Swahili, Zulu, Indian and
  Pakistani English, Polish, Lithuanian, Latvian, Romanian, Turkish, Portuguese, Spanish, ...);
- the names the project listed before (the header of the previous file says how they were made),
  kept as they were.
A Faker name that is also an ordinary lower-case English word in Debian's `wbritish` list
(/usr/share/dict/british-english: "will", "rose", "hope", "sunny") is left out: as the first of two
capitalised words it would more often start a sentence than a name.

Usage: python3 scripts/make-given-names.py FAKER_WHEEL_OR_DIR [DICT]
  (pip download --no-deps faker==40.63.0 -d /tmp/faker; apt-get install wbritish)
"""
import importlib
import os
import sys
import tempfile
import unicodedata
import zipfile

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "transfer", "redact", "given_names.txt")


def fold(name):
    """Lower case, accents removed (NFKD without combining marks), as the redactor compares."""
    n = unicodedata.normalize("NFKD", name.strip().lower())
    return "".join(c for c in n if not unicodedata.combining(c)).replace("ł", "l").replace("ø", "o").replace("đ", "d")


def latin(name):
    return all(c in "-' " or unicodedata.name(c, "").startswith("LATIN") for c in name)


def faker_names(src):
    if src.endswith(".whl"):
        d = tempfile.mkdtemp()
        zipfile.ZipFile(src).extractall(d)
        src = d
    sys.path.insert(0, src)
    version = importlib.import_module("faker").VERSION
    base = os.path.join(src, "faker", "providers", "person")
    names, per = {}, {}
    for loc in sorted(os.listdir(base)):
        if loc.startswith("_") or loc.endswith(".py"):
            continue
        provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        got = set()
        for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            v = next((b.__dict__[attr] for b in provider.__mro__ if attr in b.__dict__), None)
            if v is None or isinstance(v, property):
                continue
            try:
                got |= set(v.keys() if isinstance(v, dict) else v)
            except TypeError:
                continue
        got = {n for n in got if isinstance(n, str) and latin(n) and len(fold(n)) > 1 and " " not in n.strip()}
        if got:
            per[loc] = len(got)
        for n in got:
            names.setdefault(fold(n), set()).add(loc)
    return version, names, per


def main():
    faker_src = sys.argv[1]
    dictionary = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/dict/british-english"
    lower_words = {w.strip() for w in open(dictionary, encoding="utf-8") if w[:1].islower()}
    old = [l.strip() for l in open(OUT, encoding="utf-8") if l.strip() and not l.startswith("#")]
    kept_before = {l for l in old if not l.startswith("+")}
    version, names, per = faker_names(faker_src)
    common = {n for n in names if n in lower_words or n.replace("'", "") in lower_words}
    chosen = (set(names) - common) | kept_before
    header = [
        "# Given names: the first word of a possible name nobody registered (\"Adaeze Okafor\" when no",
        "# such person is in the register). Lower case, accents folded (\"sian\" matches Siân). Written by",
        "# scripts/make-given-names.py from:",
        f"# - Faker {version}'s person providers (PyPI `faker`, MIT licence, (c) joke2k and contributors):",
        f"#   the first names of {len(per)} locales written in the Latin script, {len(names)} distinct once folded;",
        f"#   {len(common)} of them are left out as ordinary lower-case words of Debian's wbritish list;",
        f"# - {len(kept_before)} names listed for this project before (common given names in England and",
        "#   Wales across generations and backgrounds; the Office for National Statistics publishes the",
        "#   counts behind such lists, Open Government Licence v3.0).",
        f"# {len(chosen)} names. Per locale (before folding): "
        + ", ".join(f"{k} {v}" for k, v in sorted(per.items())),
    ]
    # Long header lines wrapped at 100 characters.
    lines = []
    for h in header:
        while len(h) > 100:
            cut = h.rfind(" ", 0, 100)
            lines.append(h[:cut])
            h = "#   " + h[cut + 1 :]
        lines.append(h)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        for n in sorted(chosen):
            f.write(n + "\n")
    print(f"wrote {OUT}: {len(chosen)} names")


if __name__ == "__main__":
    main()
