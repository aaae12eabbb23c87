"""Names a person understands for interests: a category of the public interest taxonomy
(resources/taxonomy/interests-v2.json, e.g. "Plants & flowers") and, where one stands out, the
interest's most typical subject ("daisy"), never a list of model classes.

Each photo casts one vote, split among the taxonomy categories of its tags (the model's top-5
ImageNet classes) in proportion to their probabilities: a photo the model is sure of (a bee)
counts no more than one it hesitates over (a flower spread over five classes). The interest is
named after the category with the most votes; when the runner-up has PAIR_ABOVE of the leader's
votes, after both ("Insects and flowers"). When the leader holds less than MIXED_BELOW of the
votes, the interest is named after the group of categories holding GROUP_ABOVE of them
("Animals"), else after the two leading categories if they hold PAIR_MIXED_BELOW together,
else "Mixed"; a group or "Mixed" has the two leading categories as its subject ("mostly mammals
and birds"). Inside such a
phrase each category goes by its short name (short_name).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from visrec_desktop.core.config import resource_path
from visrec_desktop.i18n import N_, _, pgettext, subject_word
from visrec_desktop.i18n import current as current_language

# Bumped when the naming rules change, so a stored profile is named again (library/profile.py
# keys its cache with it; the person's own names are kept). 2: votes per photo, pairs, groups.
NAMING_VERSION = 2
TAXONOMY_FILE = "taxonomy/interests-v2.json"
LABELS_FILE = "imagenet_labels.txt"
MIXED_BELOW = 0.3  # share of the tag votes the leading category needs to name the interest
# The runner-up category names the interest too when it has this share of the leader's votes
# (the demo's bees-and-flowers interest: 0.63; its buildings and landscapes: 0.15 and 0.22);
# when no category leads (MIXED_BELOW) the two need PAIR_MIXED_BELOW of the votes together.
PAIR_ABOVE = 0.5
PAIR_MIXED_BELOW = 0.4
PAIR = " + "  # a stored two-category label: "Insects, spiders & other bugs + Plants & flowers"
GROUP_ABOVE = 0.6  # share of the votes a group needs to name an interest no category leads
SUBJECT_ABOVE = 0.25  # share of its category's votes a class needs to be the subject
MIXED = N_("Mixed")
UNTAGGED = N_("Photos")
# Model labels that name a subject wrongly in plain words: ImageNet's "missile" and
# "projectile, missile" photos are mostly rockets at launch, as are the photos people take;
# the others are WordNet lemmas that are rare ("alp", "jinrikisha"), cut short ("sax",
# "Pembroke") or read as something else ("plane" is a carpenter's, "mouse" a computer's).
SUBJECT_WORDS = {
    "missile": "rocket", "projectile": "rocket", "alp": "mountain", "cock": "rooster",
    "drake": "duck", "tusker": "elephant", "ice bear": "polar bear", "lesser panda": "red panda",
    "Madagascar cat": "ring-tailed lemur", "eft": "newt", "harvestman": "daddy longlegs",
    "diamondback": "rattlesnake", "loggerhead": "loggerhead turtle", "coho": "coho salmon",
    "African grey": "African grey parrot", "tabby": "tabby cat", "Pembroke": "corgi",
    "Cardigan": "corgi", "chow": "chow chow", "Lhasa": "Lhasa apso",
    "Boston bull": "Boston terrier", "Airedale": "Airedale terrier", "cairn": "cairn terrier",
    "basset": "basset hound", "hip": "rose hip", "ear": "ear of corn", "jean": "jeans",
    "sunglass": "sunglasses", "pajama": "pajamas", "teddy": "teddy bear", "sax": "saxophone",
    "jinrikisha": "rickshaw", "plane": "hand plane", "liner": "ocean liner",
    "pirate": "pirate ship", "web site": "website", "ashcan": "trash can", "cab": "taxi",
    "tank suit": "swimsuit", "maillot": "leotard", "slot": "slot machine",
    "pick": "guitar pick", "file": "filing cabinet", "mouse": "computer mouse",
    "notebook": "laptop", "pot": "flowerpot", "mortar": "mortar and pestle",
    "bell cote": "bell tower", "bow": "archery bow", "brass": "memorial plaque",
    "upright": "upright piano", "swab": "mop", "Crock Pot": "slow cooker",
    "wreck": "shipwreck", "lumbermill": "sawmill", "racer": "race car", "caldron": "cauldron",
    "Granny Smith": "green apple", "French loaf": "baguette", "gasmask": "gas mask",
    "hand blower": "hand dryer", "hard disc": "hard drive",
    "cellular telephone": "mobile phone", "ballpoint": "ballpoint pen",
    "bannister": "banister", "four-poster": "four-poster bed", "studio couch": "sofa bed",
    "confectionery": "sweet shop", "chiffonier": "chest of drawers",
}
_NUMBERED = re.compile(r"^(.*?)( \(\d+\))?$")  # "Clothing (2)": a repeated title, numbered
_MOSTLY = re.compile(r"^mostly (.+) and (.+?)( \(\d+\))?$")


@dataclass(frozen=True)
class InterestName:
    """A category name, and the most typical subject in plain words ('' when none stands out)."""

    name: str  # a category, two joined by PAIR, a group, MIXED or UNTAGGED (English, stored)
    subject: str
    share: float  # share of the tag votes behind `name`, 0..1


@dataclass(frozen=True)
class Namer:
    """Maps the model's tag labels to the taxonomy's human category names."""

    categories: tuple[str, ...]
    category_of: dict[str, int]

    def name(self, tag_sets: Sequence[Sequence[tuple[str, float]]]) -> InterestName:
        """The name of an interest from its photos' tags (label, probability): one vote per
        tagged photo, split by probability (the module's docstring says why)."""
        by_cat: dict[int, float] = {}
        by_tag: dict[str, float] = {}
        for tags in tag_sets:
            for label, vote in self.votes(tags):
                cat = self.category_of[label]
                by_cat[cat] = by_cat.get(cat, 0.0) + vote
                by_tag[label] = by_tag.get(label, 0.0) + vote
        total = sum(by_cat.values())
        if total <= 0:
            return InterestName(UNTAGGED, "", 0.0)
        ranked = sorted(by_cat.items(), key=lambda kv: (-kv[1], kv[0]))
        named = [c for c, m in ranked[:2] if m >= PAIR_ABOVE * ranked[0][1]]
        mass = sum(by_cat[c] for c in named)
        if ranked[0][1] < MIXED_BELOW * total:
            group = self._group(ranked, total)
            if group is not None:
                return group
            if len(named) < 2 or mass < PAIR_MIXED_BELOW * total:
                return InterestName(MIXED, self._mostly(ranked), ranked[0][1] / total)
        typical = sorted(((m, t) for t, m in by_tag.items() if self.category_of[t] in named),
                         key=lambda mt: (-mt[0], mt[1]))
        subject = typical[0][1] if typical and typical[0][0] >= SUBJECT_ABOVE * mass else ""
        return InterestName(PAIR.join(self.categories[c] for c in named),
                            SUBJECT_WORDS.get(subject, subject), mass / total)

    def votes(self, tags: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
        """One photo's vote, split among its tags that the taxonomy knows in proportion to
        their probabilities: (label, share) pairs whose shares sum to 1, or [] for a photo with
        no such tag."""
        known = [(label, float(prob)) for label, prob in tags
                 if label in self.category_of and prob > 0]
        photo = sum(prob for _, prob in known)
        return [(label, prob / photo) for label, prob in known]

    def _group(self, ranked: list[tuple[int, float]], total: float) -> InterestName | None:
        """The group of categories holding GROUP_ABOVE of the votes ("Animals · mostly mammals
        and birds"), or None. Groups share no category, so at most one does."""
        for name, members in GROUPS.items():
            inside = [(c, m) for c, m in ranked if self.categories[c] in members]
            votes = sum(m for _, m in inside)
            if len(inside) > 1 and votes >= GROUP_ABOVE * total:
                return InterestName(name, self._mostly(inside), votes / total)
        return None

    def _mostly(self, ranked: list[tuple[int, float]]) -> str:
        """The stored subject naming the two leading categories: "mostly birds and fish"."""
        return "mostly " + " and ".join(self.categories[c].lower() for c, _ in ranked[:2])


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


def subject_words(labels: Sequence[str]) -> set[str]:
    """Every subject word an interest's name can show for the model's class `labels`."""
    return {SUBJECT_WORDS.get(label, label) for label in labels}


def display_label(label: str) -> str:
    """A stored category label ("Plants & flowers", "Mixed", "Clothing (2)", two categories
    "Insects, spiders & other bugs + Plants & flowers") in the current language: the pair by
    the categories' short names ("Insects and flowers"). Profiles store the English names, so
    a change of language needs no rebuild."""
    base, number = _NUMBERED.match(label).groups()  # type: ignore[union-attr]
    if base in (MIXED, UNTAGGED):
        return _(base) + (number or "")
    if base in GROUPS:
        return pgettext("taxonomy group", base) + (number or "")
    first, plus, second = base.partition(PAIR)
    if plus and first in SHORT_NAMES and second in SHORT_NAMES:
        pair = pgettext("interest name", "{first} and {second}").format(
            first=short_name(first), second=short_name(second))
        return pair[:1].upper() + pair[1:] + (number or "")
    return pgettext("taxonomy", base) + (number or "")


def short_name(category: str) -> str:
    """A taxonomy category as a phrase naming two of them says it ("insects" for "Insects,
    spiders & other bugs"), in the current language; a name it does not know, as written."""
    return _short_names(current_language()).get(category, category)


@cache
def _short_names(language: str) -> dict[str, str]:
    """The short names in `language` (the argument keys the cache; the catalogue is current)."""
    del language
    return {category: pgettext("taxonomy, short", short) for category, short in SHORT_NAMES.items()}


# Groups of categories, for an interest that no one category leads ("Animals" for one of
# mammals, birds and reptiles): translated in context "taxonomy group" (refresh.py).
GROUPS = {
    "Animals": ("Dogs", "Cats & wild cats", "Other mammals", "Hoofed animals & livestock",
                "Monkeys & apes", "Birds", "Reptiles & amphibians", "Fish",
                "Sea life & shellfish", "Insects, spiders & other bugs"),
    "Food & drink": ("Food & dishes", "Fruit & vegetables", "Drinks"),
    "Nature": ("Plants & flowers", "Mushrooms & fungi", "Garden & farm", "Landscapes & nature"),
    "Places": ("Buildings & architecture", "Shops & restaurants", "Streets & infrastructure"),
    "Home": ("Furniture", "Kitchen & tableware", "Home appliances", "Bathroom & beauty",
             "Home decor, lighting & textiles", "Household items & containers"),
    "Fashion": ("Clothing", "Hats & helmets", "Shoes & socks", "Bags & accessories"),
    "Vehicles": ("Cars & car parts", "Trucks, buses & work vehicles",
                 "Bikes, carts & small vehicles", "Trains & trams", "Boats & ships",
                 "Aircraft & spacecraft"),
    "Electronics": ("Computers", "TV, audio & phones", "Cameras & optics"),
    "Leisure": ("Sports & outdoor gear", "Music & stage", "Toys & games"),
}

# Each category's short name: a plain plural noun, written for "X and Y" phrases (translated
# in context "taxonomy, short"; resources/i18n/refresh.py adds them to the catalogue).
SHORT_NAMES = {
    "Dogs": "dogs", "Cats & wild cats": "cats", "Other mammals": "mammals",
    "Hoofed animals & livestock": "hoofed animals", "Monkeys & apes": "monkeys",
    "Birds": "birds", "Reptiles & amphibians": "reptiles", "Fish": "fish",
    "Sea life & shellfish": "sea life", "Insects, spiders & other bugs": "insects",
    "Food & dishes": "food", "Fruit & vegetables": "fruit & vegetables", "Drinks": "drinks",
    "Plants & flowers": "flowers", "Mushrooms & fungi": "mushrooms",
    "Garden & farm": "gardens & farms", "Landscapes & nature": "landscapes",
    "Buildings & architecture": "buildings", "Shops & restaurants": "shops",
    "Streets & infrastructure": "streets", "Furniture": "furniture",
    "Kitchen & tableware": "kitchenware", "Home appliances": "appliances",
    "Bathroom & beauty": "bathroom & beauty", "Home decor, lighting & textiles": "home decor",
    "Household items & containers": "household items", "Clothing": "clothing",
    "Hats & helmets": "hats", "Shoes & socks": "shoes", "Bags & accessories": "bags",
    "Cars & car parts": "cars", "Trucks, buses & work vehicles": "trucks & buses",
    "Bikes, carts & small vehicles": "small vehicles", "Trains & trams": "trains",
    "Boats & ships": "boats", "Aircraft & spacecraft": "aircraft",
    "Sports & outdoor gear": "sports gear", "Music & stage": "music", "Toys & games": "toys",
    "Computers": "computers", "TV, audio & phones": "TVs & phones", "Cameras & optics": "cameras",
    "Tools & hardware": "tools", "Books, office & school": "books & stationery",
    "Clocks & measuring instruments": "clocks", "Health & science": "health & science",
    "Weapons & military": "weapons", "Other objects": "other things",
}


def category_name(category: str) -> str:
    """A catalog item's category as a card shows it: in the current language when it is one of
    the bundled taxonomy's categories (the demo catalog's are, and a publisher may use them),
    else as the publisher wrote it. Filters and the store keep the publisher's name."""
    if category in bundled_namer().categories:
        return pgettext("taxonomy", category)
    return category


def display_subject(subject: str) -> str:
    """A stored subject in the current language: "mostly food & dishes and drinks" names two
    categories (by their short names: "mostly food and drinks"); any other is a subject word
    ("daisy", "daisy (2)"): 雏菊 in Chinese (the subjects catalogue), left out ("") in a
    language whose catalogue lacks it, where the category stands alone rather than beside an
    English word."""
    found = _MOSTLY.match(subject)
    names = {name.lower(): name for name in bundled_namer().categories} if found else {}
    if found and found.group(1) in names and found.group(2) in names:
        first, second = (short_name(names[found.group(i)]) for i in (1, 2))
        return _("mostly {first} and {second}").format(
            first=first, second=second) + (found.group(3) or "")
    word, number = _NUMBERED.match(subject).groups()  # type: ignore[union-attr]
    translated = subject_word(SUBJECT_WORDS.get(word, word))  # profiles stored before a word
    return translated + (number or "") if translated else ""


def lower_first(text: str) -> str:
    """'Plants & flowers' -> 'plants & flowers' inside a sentence (a no-op in Chinese)."""
    return text[:1].lower() + text[1:]


def phrase(name: str, user_named: bool) -> str:
    """How an explanation refers to an interest: 'plants & flowers', or a user's own name as
    written ('“Hiking”')."""
    if user_named:
        return f"“{name}”"
    return name[:1].lower() + name[1:]
