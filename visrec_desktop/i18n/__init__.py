"""Which language visrec speaks, and the gettext catalogue of the core's and the CLI's messages.

The GUI's own strings use Qt's translation system (`tr()`, `.ts`/`.qm`, loaded by
`visrec_desktop.gui.i18n`); everything the core and the command line say goes through the
functions here (`_`, `ngettext`, `pgettext`), read from `resources/i18n/visrec_<lang>.mo`, and
the model's class names shown as an interest's subject through `subject_word`
(`subjects_<lang>.mo`).
Both catalogues are compiled from the sources in `resources/i18n/` by
`python resources/i18n/refresh.py` (docs/i18n.md).

This module is plain Python (no Qt) and imports nothing of visrec's, so the core, the CLI and
the GUI can all use it. The language is chosen once per process, before any message is made:
`VISREC_LANG` (or the CLI's `--lang`), then the Settings choice (desktop app), then the system
locale, then English. Strings made at import time are marked with `N_` and translated where
they are shown.
"""

from __future__ import annotations

import gettext as _gettext
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

LANG_ENV = "VISREC_LANG"
DOMAIN = "visrec"
SUBJECTS_DOMAIN = "subjects"  # the model's class names as plain subject words ("daisy": 雏菊)
ENGLISH = "en"
CHINESE = "zh_CN"
SUPPORTED = (ENGLISH, CHINESE)
NAMES = {ENGLISH: "English", CHINESE: "简体中文"}  # each language in its own words

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_subjects: _gettext.NullTranslations = _gettext.NullTranslations()
_current = ENGLISH


def normalise(tag: str | None) -> str | None:
    """The supported language a locale name or BCP 47 tag means, or None.

    "zh_CN.UTF-8", "zh-Hans-CN", "zh-CN", "zh_SG" and plain "zh" are Simplified Chinese;
    Traditional Chinese ("zh_TW", "zh-Hant") is not offered rather than shown in the wrong
    script. "C" and "POSIX" are English."""
    if not tag:
        return None
    tag = tag.split(".")[0].split("@")[0].replace("-", "_").strip()
    if tag in ("C", "POSIX"):
        return ENGLISH
    parts = [p.lower() for p in tag.split("_") if p]
    if not parts:
        return None
    if parts[0] == "en":
        return ENGLISH
    if parts[0] == "zh":
        rest = parts[1:]
        if "hant" in rest or (any(r in ("tw", "hk", "mo") for r in rest) and "hans" not in rest):
            return None
        return CHINESE
    return None


def system_languages() -> list[str]:
    """The locale names the environment asks for, most wanted first (POSIX variables; the
    desktop app passes Qt's `QLocale.system().uiLanguages()` instead, which also knows Windows'
    and macOS' settings)."""
    found: list[str] = []
    language = os.environ.get("LANGUAGE", "")
    if language and os.environ.get("LC_ALL", os.environ.get("LANG", "")) not in ("C", "POSIX"):
        found += [t for t in language.split(":") if t]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            found.append(value)
            break
    return found


class Decision(NamedTuple):
    """The language to speak and what decided it: "option" (`--lang`), "environment"
    (`$VISREC_LANG`), "settings" (the Settings choice), "system" or "default" (English)."""

    lang: str
    by: str


def decide(explicit: str | None = None, saved: str | None = None,
           system: Iterable[str] | None = None) -> Decision:
    """The language to speak: `explicit` (`--lang`), then `$VISREC_LANG`, then `saved` (the
    Settings choice; "" means follow the system), then the first supported of `system` (default:
    `system_languages()`), then English. Values that name no supported language are skipped."""
    for by, wish in (("option", explicit), ("environment", os.environ.get(LANG_ENV)),
                     ("settings", saved)):
        lang = normalise(wish)
        if lang:
            return Decision(lang, by)
    lang = first_supported(system_languages() if system is None else system)
    return Decision(lang, "system") if lang else Decision(ENGLISH, "default")


def choose(explicit: str | None = None, saved: str | None = None,
           system: Iterable[str] | None = None) -> str:
    """`decide(...)`'s language alone."""
    return decide(explicit, saved, system).lang


def first_supported(wishes: Iterable[str]) -> str | None:
    """The first of `wishes` (locale names, most wanted first) that names a supported
    language, or None."""
    for wish in wishes:
        lang = normalise(wish)
        if lang:
            return lang
    return None


def catalogue_dir() -> Path:
    """resources/i18n: in the packaged app, the installed wheel or the source tree (the same
    places as `core.config.resource_path`, which this leaf module cannot import)."""
    here = Path(__file__).resolve().parent.parent
    candidates = [here / "_data" / "resources" / "i18n", here.parent / "resources" / "i18n"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "resources" / "i18n")
    return next((c for c in candidates if c.is_dir()), candidates[-1])


def set_language(lang: str) -> str:
    """Speak `lang` (a supported code) from now on; returns the language in force. A missing
    catalogue falls back to English rather than failing: the app stays usable."""
    global _translation, _subjects, _current
    lang = normalise(lang) or ENGLISH
    translation: _gettext.NullTranslations = _gettext.NullTranslations()
    subjects: _gettext.NullTranslations = _gettext.NullTranslations()
    if lang != ENGLISH:
        try:
            translation = _read(DOMAIN, lang)
        except OSError:
            lang = ENGLISH
        else:
            try:
                subjects = _read(SUBJECTS_DOMAIN, lang)
                subjects.add_fallback(_Unknown())
            except OSError:
                subjects = _Unknown()
    _translation, _subjects, _current = translation, subjects, lang
    return lang


def _read(domain: str, lang: str) -> _gettext.GNUTranslations:
    with open(catalogue_dir() / f"{domain}_{lang}.mo", "rb") as fh:
        return _gettext.GNUTranslations(fh)


class _Unknown(_gettext.NullTranslations):
    """A subject word the catalogue lacks is left out ("") rather than shown in English."""

    def gettext(self, message: str) -> str:
        return ""


def current() -> str:
    """The language in force ("en" or "zh_CN")."""
    return _current


def gettext(message: str) -> str:
    """`message` in the current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` of a message with a plural, in the current language."""
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, for a context that tells two same words apart
    ("taxonomy" for category names)."""
    return _translation.pgettext(context, message)


def subject_word(word: str) -> str:
    """One of the model's class names as a plain subject word ("daisy", "rocket") in the
    current language (雏菊, 火箭); "" when the language's subject catalogue lacks it, so a
    sentence never mixes in an English word. English: the word itself."""
    return _subjects.gettext(word)


def join_phrases(phrases: Iterable[str]) -> str:
    """Phrases of one sentence as a list ("8 passes, 4 lanes"): the separator is the language's
    own (a full-width comma in Chinese, where a half-width one reads as a typo)."""
    return pgettext("list separator", ", ").join(phrases)


def N_(message: str) -> str:  # the name gettext tools look for
    """Marks a string made at import time for extraction; translate it where it is shown."""
    return message


_ = gettext
