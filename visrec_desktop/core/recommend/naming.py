"""Names a person understands for interests: a category of the public interest taxonomy
(resources/taxonomy/interests-v2.json, e.g. "Plants & flowers") and, where one stands out, the
interest's most typical subject ("daisy"), never a list of model classes.

Each photo's tags (the model's top-5 ImageNet classes with probabilities) vote for the taxonomy
category of each class, weighted by probability; the interest is named after the category with
the most votes. When no category gets MIXED_BELOW of the votes the interest is "Mixed" and the
two leading categories are its subject.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from visrec_desktop.core.config import resource_path
from visrec_desktop.i18n import N_, _, pgettext
from visrec_desktop.i18n import current as current_language

TAXONOMY_FILE = "taxonomy/interests-v2.json"
LABELS_FILE = "imagenet_labels.txt"
MIXED_BELOW = 0.3  # share of the tag votes the leading category needs to name the interest
SUBJECT_ABOVE = 0.25  # share of its category's votes a class needs to be the subject
MIXED = N_("Mixed")
UNTAGGED = N_("Photos")
# Model labels that name a subject wrongly in plain words: ImageNet's "missile" and
# "projectile, missile" photos are mostly rockets at launch, as are the photos people take.
SUBJECT_WORDS = {"missile": "rocket", "projectile": "rocket"}
_NUMBERED = re.compile(r"^(.*?)( \(\d+\))?$")  # "Clothing (2)": a repeated title, numbered
_MOSTLY = re.compile(r"^mostly (.+) and (.+?)( \(\d+\))?$")


@dataclass(frozen=True)
class InterestName:
    """A category name, and the most typical subject in plain words ('' when none stands out)."""

    name: str
    subject: str
    share: float  # share of the tag votes behind `name`, 0..1


@dataclass(frozen=True)
class Namer:
    """Maps the model's tag labels to the taxonomy's human category names."""

    categories: tuple[str, ...]
    category_of: dict[str, int]

    def name(self, tag_sets: Sequence[Sequence[tuple[str, float]]]) -> InterestName:
        """The name of an interest from its photos' tags (label, probability)."""
        by_cat: dict[int, float] = {}
        by_tag: dict[str, float] = {}
        for tags in tag_sets:
            for label, prob in tags:
                cat = self.category_of.get(label)
                if cat is None:
                    continue
                by_cat[cat] = by_cat.get(cat, 0.0) + float(prob)
                by_tag[label] = by_tag.get(label, 0.0) + float(prob)
        total = sum(by_cat.values())
        if total <= 0:
            return InterestName(UNTAGGED, "", 0.0)
        ranked = sorted(by_cat.items(), key=lambda kv: (-kv[1], kv[0]))
        best, mass = ranked[0]
        share = mass / total
        if share < MIXED_BELOW and len(ranked) > 1:
            two = " and ".join(self.categories[c].lower() for c, _ in ranked[:2])
            return InterestName(MIXED, f"mostly {two}", share)
        inside = sorted(((m, t) for t, m in by_tag.items() if self.category_of[t] == best),
                        key=lambda mt: (-mt[0], mt[1]))
        subject = inside[0][1] if inside and inside[0][0] >= SUBJECT_ABOVE * mass else ""
        subject = SUBJECT_WORDS.get(subject, subject)
        return InterestName(self.categories[best], subject, share)


@cache
def bundled_taxonomy() -> dict[str, Any]:
    """The bundled public interest taxonomy's JSON, read once (the namer and the private
    export share it; callers read it and never change it)."""
    raw: dict[str, Any] = json.loads((resource_path("resources") / TAXONOMY_FILE).read_text(
        "utf-8"))
    return raw


@cache
def bundled_namer() -> Namer:
    """The namer for the bundled model's labels and the bundled taxonomy (read once)."""
    raw = bundled_taxonomy()
    labels = (resource_path("models") / LABELS_FILE).read_text("utf-8").splitlines()
    return make_namer(raw, [label.strip() for label in labels])


def make_namer(taxonomy: dict[str, object], labels: Sequence[str]) -> Namer:
    """A Namer from the taxonomy's JSON (its `categories` and the category index of each of the
    `imagenet` classes) and the model's label of each class, in class order."""
    cats = taxonomy["categories"]
    bins = taxonomy["imagenet"]
    assert isinstance(cats, list) and isinstance(bins, list)
    names = tuple(str(c["name"]) for c in cats)
    return Namer(names, {label: int(b) for label, b in zip(labels, bins, strict=False)})


def display_label(label: str) -> str:
    """A stored category label ("Plants & flowers", "Mixed", "Clothing (2)") in the current
    language. Profiles store the English names, so a change of language needs no rebuild."""
    base, number = _NUMBERED.match(label).groups()  # type: ignore[union-attr]
    if base in (MIXED, UNTAGGED):
        return _(base) + (number or "")
    return pgettext("taxonomy", base) + (number or "")


def category_name(category: str) -> str:
    """A catalog item's category as a card shows it: in the current language when it is one of
    the bundled taxonomy's categories (the demo catalog's are, and a publisher may use them),
    else as the publisher wrote it. Filters and the store keep the publisher's name."""
    if category in bundled_namer().categories:
        return pgettext("taxonomy", category)
    return category


def display_subject(subject: str) -> str:
    """A stored subject in the current language: "mostly food & dishes and drinks" names two
    categories. A model label ("daisy") is one of the model's English class names: shown in
    English, and left out ("") in another language, where the category name stands alone
    rather than beside an English word."""
    found = _MOSTLY.match(subject)
    names = {name.lower(): name for name in bundled_namer().categories} if found else {}
    if found and found.group(1) in names and found.group(2) in names:
        first, second = (pgettext("taxonomy", names[found.group(i)]) for i in (1, 2))
        return _("mostly {first} and {second}").format(
            first=lower_first(first), second=lower_first(second)) + (found.group(3) or "")
    return subject if current_language() == "en" else ""


def lower_first(text: str) -> str:
    """'Plants & flowers' -> 'plants & flowers' inside a sentence (a no-op in Chinese)."""
    return text[:1].lower() + text[1:]


def phrase(name: str, user_named: bool) -> str:
    """How an explanation refers to an interest: 'plants & flowers', or a user's own name as
    written ('“Hiking”')."""
    if user_named:
        return f"“{name}”"
    return name[:1].lower() + name[1:]
