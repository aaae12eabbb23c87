"""Text as people read it: matching and ordering that ignore case and accents.

Unicode NFKD decomposition then `str.casefold` (Unicode 15, section 3.13 default caseless
matching), so "cafe" finds "Café" and "animal prints" sorts beside "Animals", whatever the
catalog's language.

Search matches each query word at the start of a word of the item's title or category (so
"cat" finds "Cats & wild cats" and "Cathedral" as one types, never the middle of "Suricata"
or "Scatter"). A word in a script written without spaces (Chinese, Japanese) matches anywhere.
The matches come in two tiers (`TextIndex.tiers`): WHOLE, where every query word is a whole
word of the text or its simple English plural ("cat" is "Cats", "box" is "Boxes"), before
PREFIX, where some word only starts a longer one ("Cathedral"): a person who types "cat" wants
the cats first. A word that matches anywhere (no spaces in its script) is whole wherever it
matches. The ranker orders the tiers first, then by taste within each (rank.Ranker).
A catalog's text is folded once into a `TextIndex` (one byte string and the offsets of its word
starts), so a query over a million items is a few vectorised passes, not a Python loop.
A category also matches as the person sees it (`shown`: its name in the UI language,
naming.category_name, so "猫" finds "Cats & wild cats" in Chinese): a query word is matched,
by the same rules, against the few dozen displayed names, and the items of the categories it
fits join its matches through their category codes; the index itself stays language-free.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from visrec_desktop.core.recommend.columns import CodedColumn


def fold(text: str) -> str:
    """`text` without case or accents, for matching and for sorting names as people read them."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(query: str) -> list[str]:
    return fold(query).split()


def _word_bytes() -> np.ndarray:
    """(256,) bool: the UTF-8 bytes that belong to a word (ASCII letters and digits, and every
    byte of a non-ASCII character)."""
    table = np.zeros(256, bool)
    for lo, hi in ((ord("a"), ord("z")), (ord("A"), ord("Z")), (ord("0"), ord("9")), (128, 255)):
        table[lo:hi + 1] = True
    return table


WORD_BYTES = _word_bytes()
WHOLE, PREFIX, MISS = 0, 1, 2  # search tiers (TextIndex.tiers), best first
PLURAL_ENDINGS = (b"s", b"es")  # "cat" is a whole word of "cats", "box" of "boxes"
_WORD = re.compile("[0-9A-Za-z\u0080-\U0010ffff]+")  # a word, as WORD_BYTES reads one


def _is_word(char: str) -> bool:
    return bool(_WORD.fullmatch(char))


def name_match(word: str, name: str) -> bool | None:
    """How folded `word` fits folded `name` by TextIndex's rules: None when it does not, True
    when as a whole word or its plural (or anywhere, in a script without spaces), False when it
    only starts a longer word."""
    if not (word.isascii() and _is_word(word[0])):
        return True if word in name else None
    found: bool | None = None
    for start in (m.start() for m in _WORD.finditer(name)):
        if not name.startswith(word, start):
            continue
        rest = name[start + len(word):]
        if not rest or not _is_word(rest[0]) or any(
                rest.startswith(e) and (len(rest) == len(e) or not _is_word(rest[len(e)]))
                for e in ("s", "es")):
            return True
        found = False
    return found


class TextIndex:
    """The folded titles and categories of a catalog's items, for search.

    Item i's text is fold(f"{title} {category}"), UTF-8, line i of one byte string; `starts`
    (int32) are the offsets of its words' first bytes, sorted by their first two bytes, and
    `buckets` (65,537,) where each two-byte prefix's run begins, so a query word is compared
    only with the words that begin like it; `lengths` (uint8, in the same order) their lengths
    in bytes (at most 255), for whole-word matches. Memory: about the text's length in bytes
    plus 5 bytes per word (a million short titles: tens of MB).

    `shown` maps a category to its name as the person sees it (naming.category_name); where
    some differ, `shown_names` holds (category code, folded displayed name) for those and
    `category_codes` (n,) int32 each item's category code (4 bytes per item more), and a query
    word also matches the items of the categories whose displayed name it fits (`name_match`).
    """

    def __init__(self, titles: Sequence[str], categories: Sequence[str],
                 shown: Callable[[str], str] | None = None) -> None:
        texts = [f"{t} {c}".replace("\n", " ") for t, c in zip(titles, categories, strict=True)]
        joined = "\n".join(texts)
        if joined.isascii():  # most catalogs: casefold is lower() for ASCII, no accents
            folded = joined.lower()
        else:
            folded = "\n".join(t.lower() if t.isascii() else fold(t).replace("\n", " ")
                               for t in texts)
        self._raw = (folded + "\n").encode("utf-8")
        self.text = np.frombuffer(self._raw, np.uint8)
        self.count = len(texts)
        inside = WORD_BYTES[self.text]
        first = inside.copy()
        first[1:] &= ~inside[:-1]
        index_type = np.int32 if len(self.text) < 2**31 else np.int64
        starts = np.flatnonzero(first).astype(index_type)
        inside[:-1] &= ~inside[1:]  # now: a word's last byte (the text ends in a newline)
        lengths = np.minimum(np.subtract(np.flatnonzero(inside), starts) + 1, 255).astype(np.uint8)
        key = self.text[starts].astype(np.int32) * 256 + self.text[starts + 1]
        order = np.argsort(key, kind="stable")
        self.starts: np.ndarray = starts[order]
        self.lengths: np.ndarray = lengths[order]
        self.buckets = np.searchsorted(key[order], np.arange(65_537)).astype(np.int64)
        self.lines = np.concatenate([[0], np.flatnonzero(self.text == 10)[:-1] + 1]
                                    ).astype(index_type)
        self.shown_names: list[tuple[int, str]] = []
        self.category_codes = np.zeros(0, np.int32)
        if shown is not None:
            distinct = dict.fromkeys(categories)
            names = {c: shown(c) for c in distinct}
            if any(n != c for c, n in names.items()):  # never in English
                column = categories if isinstance(categories, CodedColumn) else \
                    CodedColumn(categories)
                self.category_codes = column.codes
                self.shown_names = [(column.lookup[c], fold(n)) for c, n in names.items()
                                    if n != c]

    def _items(self, word: str, whole: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """As `_text_items`, plus the items of the categories whose displayed name `word` fits
        (`name_match`; whole there as it is whole in the name)."""
        rows, exact = self._text_items(word, whole)
        fits = [(code, w) for code, name in self.shown_names
                if (w := name_match(word, name)) is not None]
        if not fits:
            return rows, exact
        more = np.flatnonzero(np.isin(self.category_codes, [code for code, _ in fits]))
        rows = np.concatenate([rows, more])
        if exact is not None:
            exact = np.concatenate([exact, np.isin(self.category_codes[more],
                                                   [code for code, w in fits if w])])
        return rows, exact

    def _text_items(self, word: str, whole: bool = False
                    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Rows (unsorted, may repeat) of the items holding `word` (folded): at a word start
        when it is ASCII and starts with a word character, anywhere otherwise; and, when
        `whole`, (same length) bool: whether that match is the whole word or its plural (every
        match anywhere counts as whole, as does one of a word that ends in punctuation)."""
        pattern = np.frombuffer(word.encode("utf-8"), np.uint8)
        at: np.ndarray
        length: np.ndarray | None = None
        at_start = word.isascii() and bool(WORD_BYTES[pattern[0]])
        if at_start:
            first = int(pattern[0]) * 256
            lo, hi = (first + int(pattern[1]), first + int(pattern[1]) + 1) if len(pattern) > 1 \
                else (first, first + 256)
            at = self.starts[self.buckets[lo]:self.buckets[hi]]
            length = self.lengths[self.buckets[lo]:self.buckets[hi]]
            known = min(len(pattern), 2)  # the bucket's key is the first two bytes
        else:
            at = np.flatnonzero(self.text == pattern[0])
            known = 1
        # No bound check: a pattern holds no newline and the text ends with one, so a match
        # of its first j bytes leaves byte j inside the text.
        for j in range(known, len(pattern)):
            keep = self.text[at + j] == pattern[j]
            at = at[keep]
            length = None if length is None else length[keep]
        rows: np.ndarray = np.searchsorted(self.lines, at, side="right") - 1
        if not whole:
            return rows, None
        if not at_start or not WORD_BYTES[pattern[-1]]:
            return rows, np.ones(len(rows), dtype=bool)
        if length is not None and WORD_BYTES[pattern].all() and len(pattern) < 250:
            return rows, self._whole(at, length, len(pattern))
        return rows, self._ends_word(at + len(pattern))

    def _whole(self, at: np.ndarray, length: np.ndarray, n: int) -> np.ndarray:
        """Whether each word starting at `at`, `length` bytes long, is an n-byte match's
        whole word or its plural: mostly one comparison, no read of the text (a read per
        match is a cache miss, about as slow as the search itself)."""
        out: np.ndarray = length == n
        for ending in PLURAL_ENDINGS:
            maybe = np.flatnonzero(length == n + len(ending))
            here = np.ones(len(maybe), dtype=bool)
            for j, byte in enumerate(ending):
                here &= self.text[at[maybe] + n + j] == byte
            out[maybe[here]] = True
        return out

    def _ends_word(self, after: np.ndarray) -> np.ndarray:
        """(len(after),) bool: whether a word ends at each offset `after` (within the text),
        or after a plural ending there (a word of punctuation and letters: "t-shirt")."""
        last = len(self.text) - 1

        def byte(offset: int) -> np.ndarray:
            out: np.ndarray = self.text[np.minimum(after + offset, last)]
            return out

        out: np.ndarray = ~WORD_BYTES[byte(0)]
        for ending in PLURAL_ENDINGS:
            here = ~WORD_BYTES[byte(len(ending))]
            for j, b in enumerate(ending):
                here &= byte(j) == b
            out |= here
        return out

    def mask(self, query: str) -> np.ndarray:
        """(n,) bool: the items whose title or category holds every word of `query` (all when
        the query is blank)."""
        out = np.ones(self.count, dtype=bool)
        for word in words(query):
            hit = np.zeros(self.count, dtype=bool)
            hit[self._items(word)[0]] = True
            out &= hit
        return out

    def tiers(self, query: str) -> np.ndarray:
        """(n,) uint8, each item's search tier for `query`: WHOLE (0) when every word of the
        query is a whole word of its title or category or that word's plural ("cat": "Cats &
        wild cats"), PREFIX (1) when every word matches but some only starts a longer word
        ("Cathedral"), MISS (2) when some word does not match (mask is tiers < MISS). All
        WHOLE when the query is blank."""
        every = np.ones(self.count, dtype=bool)
        whole = np.ones(self.count, dtype=bool)
        for word in words(query):
            rows, exact = self._items(word, whole=True)
            hit = np.zeros(self.count, dtype=bool)
            hit[rows] = True
            every &= hit
            hit = np.zeros(self.count, dtype=bool)
            hit[rows[exact]] = True
            whole &= hit
        out = np.full(self.count, MISS, dtype=np.uint8)
        out -= every  # whole implies every: MISS - 1 - 1 = WHOLE
        out -= whole
        return out

    @property
    def nbytes(self) -> int:
        return int(self.text.nbytes + self.starts.nbytes + self.lengths.nbytes
                   + self.lines.nbytes + self.buckets.nbytes + self.category_codes.nbytes)


def search_mask(titles: Sequence[str], categories: Sequence[str], query: str) -> np.ndarray:
    """(n,) bool: the items whose title or category holds every word of `query` (all when
    the query is blank), as TextIndex.mask; a catalog searched more than once keeps its
    TextIndex (CatalogIndex.search_mask)."""
    if not words(query):
        return np.ones(len(titles), dtype=bool)
    return TextIndex(titles, categories).mask(query)


def human_order(names: Iterable[str]) -> list[str]:
    """Names sorted as a person reads a list: case and accents ignored, ties kept stable."""
    return sorted(names, key=lambda name: (fold(name), name))
