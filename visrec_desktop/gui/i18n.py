"""The desktop app's language: Qt translators, the default QLocale, a CJK font, and the
locale-aware formatting every page uses (prices, numbers, percentages, dates).

The language is chosen once, before the first widget is made (`install`); a change in Settings
applies at the next start. The core's and the CLI's messages use gettext (`visrec_desktop.i18n`),
switched to the same language here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from functools import cache

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QLibraryInfo,
    QLocale,
    QTranslator,
)
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from visrec_desktop import i18n

translate = QCoreApplication.translate  # the name lupdate looks for
_installed: list[QTranslator] = []
_decided_by = ""  # what chose the language in force (i18n.Decision.by), "" when not told
_font_before: list[QFont] = []  # the app's font before a CJK one replaced it (uninstall restores)
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei",
             "Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB")
NBSP = "\u00a0"


def choose(saved: str | None, explicit: str | None = None) -> str:
    """The app's language (`decide(...).lang`)."""
    return decide(saved, explicit).lang


def decide(saved: str | None, explicit: str | None = None) -> i18n.Decision:
    """The app's language and what chose it: `explicit` (`visrec --lang`), $VISREC_LANG, then
    the Settings choice `saved` ("" follows the system), then the system's UI languages (Qt
    knows Windows' and macOS' too), then English."""
    return i18n.decide(explicit=explicit, saved=saved, system=QLocale.system().uiLanguages())


def system_language() -> str:
    """The language "Follow the system" gives: the first of the system's UI languages that
    visrec speaks, else English."""
    return i18n.first_supported(QLocale.system().uiLanguages()) or i18n.ENGLISH


def decided_by() -> str:
    """What chose the language in force, as `install` was told: "option" (`--lang`),
    "environment" ($VISREC_LANG), "settings", "system", "default", or "" when not told."""
    return _decided_by


def install(lang: str, by: str = "") -> str:
    """Speak `lang` in this process from now on: Qt's own strings (standard buttons, context
    menus), visrec's `.qm`, the default QLocale for formatting, gettext for the core's messages,
    and a font with Simplified Chinese glyphs. `by` says what chose it (`decide(...).by`), for
    Settings to tell a person when the command line overrides their choice. Returns the
    language in force."""
    global _decided_by
    app = QCoreApplication.instance()
    uninstall()
    lang = i18n.set_language(lang)
    _decided_by = by
    QLocale.setDefault(formats_locale(lang))
    if app is None:
        return lang
    if lang != i18n.ENGLISH:  # English is the source language: no catalogue
        ours = QTranslator(app)
        if ours.load(f"visrec_{lang}", str(i18n.catalogue_dir())):
            _installed.append(ours)
        qt = QTranslator(app)
        if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            _installed.append(qt)
        _prefer_cjk_font()
    for translator in _installed:
        QCoreApplication.installTranslator(translator)
    return lang


def qt_words_we_carry() -> list[str]:
    """Qt's own words that Qt's catalogue (qtbase_zh_CN.qm of Qt 6.11) leaves in English in
    the file dialog Qt draws itself (the one the Linux release shows): two labels whose source
    gained a mnemonic ("&Look in:"; the catalogue has "Look in:") and the type column's
    "Folder" and "Drive", which moved to a new context. visrec's catalogue carries them under
    Qt's contexts, read by lupdate from the calls here; Qt's own translator is asked first
    (installed last), so its words win once it has them. Returns them in the language in
    force."""
    return [translate("QFileDialog", "&Look in:"),
            translate("QFileDialog", "Files of &type:"),
            translate("QAbstractFileIconProvider", "Folder", "All other platforms"),
            translate("QAbstractFileIconProvider", "Drive")]


def formats_locale(lang: str) -> QLocale:
    """The locale numbers, prices and dates are written in: the system's when it speaks `lang`
    (an en_GB system keeps its day/month order and pound), else `lang`'s own (zh_CN, en_US)."""
    system = QLocale.system()
    if system.language() != QLocale.Language.C and i18n.normalise(system.name()) == lang:
        return system
    return QLocale(lang)


def uninstall() -> None:
    """Back to the source strings (English), the system locale and the font before a CJK one
    replaced it (tests switch languages; a Chinese test's taller font left English pages
    laid out for it)."""
    global _decided_by
    _decided_by = ""
    for translator in _installed:
        QCoreApplication.removeTranslator(translator)
    _installed.clear()
    if _font_before:
        QGuiApplication.setFont(_font_before.pop())
    i18n.set_language(i18n.ENGLISH)
    QLocale.setDefault(QLocale.system())


def _prefer_cjk_font() -> None:
    """Han characters drawn with Simplified Chinese glyph shapes, and laid out with that font's
    line height: the first installed CJK font becomes the app's font (its Latin letters are
    designed to sit with the Han ones). Falling back per character instead would size lines
    for the Latin font and let a wrapped Chinese paragraph overflow its label. Without any CJK
    font, Qt's own fallback still draws the characters."""
    families = set(QFontDatabase.families())
    found = [f for f in CJK_FONTS if f in families]
    if found:
        font = QGuiApplication.font()
        _font_before.append(QFont(font))
        font.setFamilies([found[0], font.family()])
        QGuiApplication.setFont(font)


# -- formatting ---------------------------------------------------------------------------------

def number(n: float, decimals: int = 0) -> str:
    """`n` with the locale's grouping and decimal sign ("12,345" / "12.345"); to a whole number,
    halves round away from zero (never truncated: 100 * 0.57 is 56.99... and reads 57)."""
    locale = QLocale()
    if decimals == 0:
        return locale.toString(int(math.copysign(math.floor(abs(n) + 0.5), n)))
    return locale.toString(float(n), "f", decimals)


def percent(share: float, decimals: int = 0) -> str:
    """A share 0..1 as a percentage in the locale's style ("87%")."""
    return number(100.0 * share, decimals) + QLocale().percent()


def whole_percent(value: int) -> str:
    """An already rounded whole percentage (the core's `match_percent`, the one rule the CLI
    prints too) in the locale's style ("57%")."""
    return number(value) + QLocale().percent()


def price(amount: float, currency: str) -> str:
    """A price in the catalog's currency (ISO 4217 code), written the locale's way: "¥12.50" for
    the locale's own currency, "€12.50" / "12,50 €" where a symbol is unambiguous, otherwise
    the code ("US$" is CLDR's; "GBP 12.50" where "£" could be several)."""
    locale = QLocale()
    code = currency.strip().upper()
    own = locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
    if code and code == own:
        return locale.toCurrencyString(float(amount))
    symbol = currency_symbol(code) or code or "?"
    text = locale.toCurrencyString(float(amount), symbol)
    if symbol.isalpha():  # a code or a word: keep it apart from the digits
        if text.startswith(symbol) and not text[len(symbol):len(symbol) + 1].isspace():
            text = symbol + NBSP + text[len(symbol):]
        elif text.endswith(symbol) and not text[:-len(symbol)][-1:].isspace():
            text = text[:-len(symbol)] + NBSP + symbol
    return text


@cache
def currency_symbol(code: str) -> str:
    """A symbol that names only `code` in Qt's locale data ("€", "US$", "CN¥"), or ""."""
    users: dict[str, set[str]] = {}
    mine: list[str] = []
    for loc in QLocale.matchingLocales(QLocale.Language.AnyLanguage, QLocale.Script.AnyScript,
                                       QLocale.Country.AnyCountry):
        iso = loc.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
        symbol = loc.currencySymbol(QLocale.CurrencySymbolFormat.CurrencySymbol)
        if symbol:
            users.setdefault(symbol, set()).add(iso)
            if iso == code and symbol not in mine:
                mine.append(symbol)
    unique = [s for s in mine if users[s] == {code} and s != code]
    return min(unique, key=len) if unique else ""


def date_time(when: datetime | float | int | None) -> str:
    """A date and time in the locale's short format ("2026/11/29 18:52", "11/29/26 6:52 PM")."""
    if when is None:
        return ""
    seconds = when.timestamp() if isinstance(when, datetime) else float(when)
    moment = QDateTime.fromSecsSinceEpoch(int(seconds))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


def date(when: datetime | float | int | None) -> str:
    """A date alone in the locale's short format."""
    if when is None:
        return ""
    seconds = when.timestamp() if isinstance(when, datetime) else float(when)
    return QLocale().toString(QDateTime.fromSecsSinceEpoch(int(seconds)).date(),
                              QLocale.FormatType.ShortFormat)


def language_names() -> Sequence[tuple[str, str]]:
    """(code, name in its own language) of every language the app speaks."""
    return [(code, i18n.NAMES[code]) for code in i18n.SUPPORTED]
