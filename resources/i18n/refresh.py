"""Refresh visrec's translation catalogues and compile them (docs/i18n.md).

Two catalogues, one per mechanism:

* the GUI: Qt Linguist `.ts` files, made by `pyside6-lupdate` from every `tr()` and
  `QCoreApplication.translate()` in visrec_desktop/gui, compiled to `.qm` by `pyside6-lrelease`.
* the core and the CLI: a gettext `.po` file, made by Babel from every `_()`, `ngettext()`,
  `pgettext()` and `N_()` outside gui/, plus the taxonomy's category names (context
  "taxonomy") and argparse's own words ("usage:", "options"), compiled to `.mo`.
* the model's class names as the plain subject words an interest's name shows ("daisy"), a
  gettext domain of their own (`subjects_<lang>.po`, from models/imagenet_labels.txt), so
  their thousand entries stay apart from the messages.

The compiled files are committed, so an install needs neither tool; `--check` proves they are
current (the test suite runs it). Run from anywhere, with the project's venv:

    python resources/i18n/refresh.py            # update the sources from the code, compile
    python resources/i18n/refresh.py --compile  # compile only (after editing translations)
    python resources/i18n/refresh.py --check    # exit 1 if anything is stale or untranslated
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PACKAGE = ROOT / "visrec_desktop"
LANGUAGES = ("zh_CN",)  # full translations; English is the source language
DOMAIN = "visrec"
SUBJECTS = "subjects"
SUBJECTS_HEADER = """\
Chinese (Simplified) names of the subjects visrec's model recognises (the ImageNet-1k classes
of models/imagenet_labels.txt, each as the plain word an interest's name shows).
Our own translation, written for visrec-desktop by its developers (no outside source);
distributed under the same licence as visrec-desktop (Apache-2.0)."""
PLURAL_MARKS = {"%n", "%Ln"}
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^{}]*)?\}|%\(\w+\)[sdrf]|%L?n|%\d")


def qt_tool(name: str) -> str:
    """Path of Qt's `lupdate`/`lrelease` as PySide6-Essentials ships them."""
    import PySide6

    exe = Path(PySide6.__file__).parent / (name + (".exe" if sys.platform == "win32" else ""))
    if not exe.exists():
        sys.exit(f"{exe} not found: PySide6-Essentials ships it")
    return str(exe)


def gui_sources() -> list[str]:
    return sorted(str(p) for p in (PACKAGE / "gui").rglob("*.py"))


def ts_path(lang: str) -> Path:
    return HERE / f"visrec_{lang}.ts"


def po_path(lang: str, domain: str = DOMAIN) -> Path:
    return HERE / f"{domain}_{lang}.po"


# -- Qt: .ts and .qm ----------------------------------------------------------------------------

def update_ts(target: Path, lang: str) -> None:
    subprocess.run([qt_tool("lupdate"), *gui_sources(), "-ts", str(target), "-no-obsolete",
                    "-locations", "none", "-target-language", lang, "-silent"], check=True)


def compile_ts(source: Path, target: Path) -> None:
    subprocess.run([qt_tool("lrelease"), "-silent", str(source), "-qm", str(target)], check=True)


def ts_problems(path: Path) -> list[str]:
    """Messages of a .ts with no finished translation, or whose placeholders differ."""
    problems = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            source = message.findtext("source", "")
            tr = message.find("translation")
            forms = [f.text or "" for f in tr.iter("numerusform")] if tr is not None else []
            texts = forms or [tr.text or "" if tr is not None else ""]
            if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete") or \
                    not all(texts):
                problems.append(f"{path.name}: {name}: untranslated: {source!r}")
                continue
            want = set(PLACEHOLDER.findall(source)) - PLURAL_MARKS
            problems += [f"{path.name}: {name}: placeholders differ: {source!r} -> {text!r}"
                         for text in texts
                         if set(PLACEHOLDER.findall(text)) - PLURAL_MARKS != want]
    return problems


# -- gettext: .po and .mo -----------------------------------------------------------------------

def template():  # -> babel Catalog
    """Every message of the core and the CLI, the taxonomy's names and argparse's words."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

    catalog = Catalog(domain=DOMAIN, project="visrec-desktop", charset="utf-8")
    files = sorted(PACKAGE.rglob("*.py"))  # gui/: the few strings shown before Qt loads
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        for _line, message, comments, context in extract_from_file(
                "python", str(path), keywords=DEFAULT_KEYWORDS, comment_tags=("i18n:",),
                strip_comment_tags=True):
            catalog.add(message, locations=[(rel, None)], auto_comments=comments,
                        context=context)
    from visrec_desktop.core.recommend.naming import GROUPS, SHORT_NAMES, TAXONOMY_FILE

    taxonomy = ROOT / "resources" / TAXONOMY_FILE
    for category in json.loads(taxonomy.read_text("utf-8"))["categories"]:
        catalog.add(category["name"], locations=[(f"resources/{TAXONOMY_FILE}", None)],
                    context="taxonomy")
    for group in GROUPS:
        catalog.add(group, locations=[("visrec_desktop/core/recommend/naming.py", None)],
                    context="taxonomy group")
    for short in SHORT_NAMES.values():
        catalog.add(short, locations=[("visrec_desktop/core/recommend/naming.py", None)],
                    context="taxonomy, short")
    argparse_file = Path(argparse.__file__)
    for _line, message, _comments, context in extract_from_file(
            "python", str(argparse_file), keywords=DEFAULT_KEYWORDS):
        catalog.add(message, locations=[("argparse.py", None)], context=context,
                    auto_comments=["argparse (Python standard library)"])
    return catalog


def subjects_template():  # -> babel Catalog
    """Each subject word an interest's name can show: the model's class names, as the namer
    words them (naming.SUBJECT_WORDS: "missile" photos are shown as "rocket")."""
    from babel.messages.catalog import Catalog

    from visrec_desktop.core.recommend.naming import LABELS_FILE, subject_words

    labels = (ROOT / "models" / LABELS_FILE).read_text("utf-8").splitlines()
    catalog = Catalog(domain=SUBJECTS, project="visrec-desktop", charset="utf-8")
    for word in sorted(subject_words(labels)):
        catalog.add(word, locations=[(f"models/{LABELS_FILE}", None)])
    return catalog


TEMPLATES = {DOMAIN: template, SUBJECTS: subjects_template}


def update_po(lang: str, domain: str = DOMAIN) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = po_path(lang, domain)
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=domain)
    else:
        catalog = Catalog(locale=lang, domain=domain, project="visrec-desktop")
    catalog.update(TEMPLATES[domain](), no_fuzzy_matching=True)
    if domain == SUBJECTS:
        catalog.header_comment = "\n".join(f"# {line}" for line in SUBJECTS_HEADER.split("\n"))
    catalog.obsolete.clear()
    catalog.fuzzy = False  # the header: a fuzzy one is left out of the .mo, plural rule too
    catalog.project, catalog.version = "visrec-desktop", "0.1"
    catalog.copyright_holder = "visrec-desktop developers"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = catalog.language_team = "visrec-desktop developers"
    write_po(catalog, path)


def write_po(catalog, path: Path) -> None:  # catalog: babel Catalog
    from babel.messages.pofile import write_po as babel_write_po

    out = io.BytesIO()
    catalog.revision_date = catalog.creation_date  # no churn from dates
    babel_write_po(out, catalog, width=100, sort_output=True, include_lineno=False,
                   ignore_obsolete=True)
    data = re.sub(rb'"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"\n', b"", out.getvalue())
    data = re.sub(rb"^# (FIRST AUTHOR|Copyright \(C\)).*\n", b"", data, flags=re.M)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def compile_po(source: Path, target: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as fh:
        catalog = read_po(fh, domain=DOMAIN)
    # The header's dates would be "now": fixed, so the .mo depends on the .po alone.
    catalog.creation_date = catalog.revision_date = datetime(2026, 1, 1, tzinfo=timezone.utc)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    target.write_bytes(out.getvalue())


def po_problems(path: Path, domain: str = DOMAIN) -> list[str]:
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh, domain=domain)
    problems = []
    wanted = {(m.id if isinstance(m.id, str) else m.id[0], m.context)
              for m in TEMPLATES[domain]() if m.id}
    have = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}
    problems += [f"{path.name}: not in the catalogue (run refresh.py): {m!r}"
                 for m in sorted(wanted - have, key=str)]
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        texts = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy or not all(texts):
            problems.append(f"{path.name}: untranslated: {ids[0]!r}")
            continue
        want = set(PLACEHOLDER.findall(ids[-1]))
        for text in texts:
            if set(PLACEHOLDER.findall(text)) != want:
                problems.append(f"{path.name}: placeholders differ: {ids[0]!r} -> {text!r}")
    return problems


# -- the commands -------------------------------------------------------------------------------

def compile_all(folder: Path) -> list[Path]:
    made = []
    for lang in LANGUAGES:
        compile_ts(ts_path(lang), folder / f"visrec_{lang}.qm")
        made.append(folder / f"visrec_{lang}.qm")
        for domain in TEMPLATES:
            compile_po(po_path(lang, domain), folder / f"{domain}_{lang}.mo")
            made.append(folder / f"{domain}_{lang}.mo")
    return made


def check() -> list[str]:
    """What is stale or missing: sources behind the code, compiled files behind the sources,
    untranslated messages."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for lang in LANGUAGES:
            copy = folder / ts_path(lang).name
            copy.write_bytes(ts_path(lang).read_bytes())
            update_ts(copy, lang)
            problems += ts_problems(copy) + po_problems(po_path(lang)) + po_problems(
                po_path(lang, SUBJECTS), SUBJECTS)
        for made in compile_all(folder):
            committed = HERE / made.name
            if not committed.exists() or committed.read_bytes() != made.read_bytes():
                problems.append(f"{made.name} is not compiled from its source: run "
                                "python resources/i18n/refresh.py --compile")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--compile", action="store_true", help="compile only")
    mode.add_argument("--check", action="store_true", help="exit 1 if anything is stale")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        print("\n".join(problems) or "translations complete and compiled")
        return 1 if problems else 0
    if not args.compile:
        for lang in LANGUAGES:
            update_ts(ts_path(lang), lang)
            for domain in TEMPLATES:
                update_po(lang, domain)
    compile_all(HERE)
    left = [p for lang in LANGUAGES for p in ts_problems(ts_path(lang)) + [
        q for domain in TEMPLATES for q in po_problems(po_path(lang, domain), domain)]]
    print(f"{len(left)} message(s) to translate or fix" if left else "all translated")
    for problem in left[:40]:
        print(" ", problem)
    return 0


if __name__ == "__main__":
    sys.exit(main())
