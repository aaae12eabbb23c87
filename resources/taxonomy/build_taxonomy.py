"""Build interests-vN.json (N = VERSION): one coarse interest category for each ImageNet-1k class.

Each class of the model (an ImageNet-1k WordNet synset, `n` + the 8-digit offset of
its line in WordNet 3.0's data.noun) is walked up its hypernym graph (`@` and `@i`
pointers, all paths), and it gets the category of the first rule in RULES that names
one of its ancestors (or the synset itself). OVERRIDES then fixes the few classes
where WordNet's hierarchy and what the photos show disagree. Deterministic: the same
inputs always give the same bytes.

Inputs, both read offline (standard library only, any Python 3.10+):

* WordNet 3.0 `data.noun` and `index.noun`, as Debian's `wordnet-base` installs them
  in /usr/share/wordnet. Without root:

      apt-get download wordnet-base
      dpkg-deb -x wordnet-base_*_all.deb ~/.cache/visrec-taxonomy/wordnet-base

* the ImageNet-1k synset ids, from the timm wheel (as models/make_imagenet_labels.py):

      pip download --no-deps timm==1.0.31 -d ~/.cache/visrec-taxonomy

Run from anywhere:

    python resources/taxonomy/build_taxonomy.py          # writes interests-vN.json
    python resources/taxonomy/build_taxonomy.py --show   # category -> class names
    python resources/taxonomy/build_taxonomy.py --check  # exit 1 if the file is stale

Whenever the output changes, bump VERSION (and the file name): exported histograms
name the taxonomy id and version, so a changed mapping must never reuse a version.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LABELS = REPO / "models" / "imagenet_labels.txt"
CACHE = Path.home() / ".cache" / "visrec-taxonomy"
WORDNET_DIRS = (
    Path("/usr/share/wordnet"),
    CACHE / "wordnet-base" / "usr" / "share" / "wordnet",
)
WHEEL_GLOB = "timm-*.whl"
SYNSETS_IN_WHEEL = "timm/data/_info/imagenet_synsets.txt"

TAXONOMY_ID = "visrec-interests"
VERSION = 2
OUT = HERE / f"interests-v{VERSION}.json"
NUM_CLASSES = 1000
# Labels that models/make_imagenet_labels.py renamed because two classes share a lemma.
RENAMED_LABELS = frozenset({134, 517, 639})

DESCRIPTION = (
    "Coarse interest categories for the 1000 ImageNet-1k classes of visrec-desktop's "
    "on-device model: every class maps to exactly one category. Used for the "
    "differentially private export of what kinds of things a person photographs "
    "(a histogram over these categories)."
)
SOURCE = "WordNet 3.0 hypernyms of the ImageNet-1k classes (rules in build_taxonomy.py)"
LICENCE = (
    "Apache-2.0 (the mapping); derived from WordNet 3.0, Copyright 2006 by Princeton "
    "University, used under the WordNet 3.0 licence (see docs/taxonomy.md)"
)

OTHER = "other"

# (id, human name), in the order they are published. Ids are stable slugs: never
# rename or reorder within a version.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("dogs", "Dogs"),
    ("cats", "Cats & wild cats"),
    ("mammals", "Other mammals"),
    ("hoofed-animals", "Hoofed animals & livestock"),
    ("primates", "Monkeys & apes"),
    ("birds", "Birds"),
    ("reptiles-amphibians", "Reptiles & amphibians"),
    ("fish", "Fish"),
    ("sea-life", "Sea life & shellfish"),
    ("insects-spiders", "Insects, spiders & other bugs"),
    ("food", "Food & dishes"),
    ("fruit-vegetables", "Fruit & vegetables"),
    ("drinks", "Drinks"),
    ("plants-flowers", "Plants & flowers"),
    ("fungi", "Mushrooms & fungi"),
    ("garden-farm", "Garden & farm"),
    ("landscapes", "Landscapes & nature"),
    ("buildings", "Buildings & architecture"),
    ("shops", "Shops & restaurants"),
    ("streets", "Streets & infrastructure"),
    ("furniture", "Furniture"),
    ("kitchen", "Kitchen & tableware"),
    ("appliances", "Home appliances"),
    ("bathroom-beauty", "Bathroom & beauty"),
    ("home-decor", "Home decor, lighting & textiles"),
    ("household", "Household items & containers"),
    ("clothing", "Clothing"),
    ("hats", "Hats & helmets"),
    ("shoes", "Shoes & socks"),
    ("bags-accessories", "Bags & accessories"),
    ("cars", "Cars & car parts"),
    ("trucks-buses", "Trucks, buses & work vehicles"),
    ("bikes-carts", "Bikes, carts & small vehicles"),
    ("trains", "Trains & trams"),
    ("boats", "Boats & ships"),
    ("aircraft", "Aircraft & spacecraft"),
    ("sports", "Sports & outdoor gear"),
    ("music", "Music & stage"),
    ("toys-games", "Toys & games"),
    ("computers", "Computers"),
    ("tv-audio-phones", "TV, audio & phones"),
    ("cameras-optics", "Cameras & optics"),
    ("tools", "Tools & hardware"),
    ("office-school", "Books, office & school"),
    ("clocks-measuring", "Clocks & measuring instruments"),
    ("health-science", "Health & science"),
    ("military", "Weapons & military"),
    (OTHER, "Other objects"),
)

# Ordered rules: a class takes the category of the FIRST rule that names one of its
# ancestors (or the class itself). Anchors are WordNet 3.0 noun senses written
# lemma.n.NN, NN counting the lemma's senses in index.noun order (as NLTK does).
# Specific rules come before the general ones they would otherwise lose to. Classes
# that no rule matches go to OTHER.
# fmt: off
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # --- animals ----------------------------------------------------------------
    ("dogs", ("dog.n.01",)),  # domestic dogs only; wolves and foxes are other mammals
    ("cats", ("feline.n.01",)),
    ("primates", ("primate.n.02",)),
    ("sea-life", (
        "aquatic_mammal.n.01", "crustacean.n.01", "coelenterate.n.01", "echinoderm.n.01",
        "cephalopod.n.01", "chiton.n.02", "conch.n.01", "sea_slug.n.01",
    )),
    ("hoofed-animals", ("ungulate.n.01",)),
    ("mammals", ("mammal.n.01",)),
    ("birds", ("bird.n.01",)),
    ("reptiles-amphibians", ("reptile.n.01", "amphibian.n.03")),
    ("fish", ("fish.n.01",)),
    ("insects-spiders", ("arthropod.n.01", "worm.n.01", "gastropod.n.01")),  # + snail, slug
    # --- garden & farm (before food, buildings, vehicles and tools) -----------------
    ("garden-farm", (
        "fodder.n.02", "farm_machine.n.01", "tractor.n.01", "garden_tool.n.01",
        "plow.n.01", "farm_building.n.01", "greenhouse.n.01", "apiary.n.01",
        "birdhouse.n.01", "rain_barrel.n.01", "pot.n.04", "barrow.n.03", "patio.n.01",
    )),
    # --- food & nature ------------------------------------------------------------
    ("drinks", ("beverage.n.01",)),
    ("food", ("mashed_potato.n.01",)),  # a dish, though WordNet files it under potato
    ("fruit-vegetables", ("edible_fruit.n.01", "vegetable.n.01")),
    ("food", ("food.n.01",)),
    ("fungi", ("fungus.n.01",)),
    ("plants-flowers", ("plant.n.02", "plant_part.n.01")),
    ("landscapes", ("geological_formation.n.01",)),
    # --- craft (before weapons): WordNet files warships, warplanes and rockets under
    # military vehicles and weapons, but a photo of one shows a ship, a plane or a rocket
    # (a launch, an air show, a museum ship), and naming it "weapons" misleads.
    ("boats", ("vessel.n.02", "paddlewheel.n.01")),
    ("aircraft", ("aircraft.n.01", "spacecraft.n.01", "rocket.n.01", "airfoil.n.01",
                  "parachute.n.01")),
    # --- weapons (before the other vehicles, clothing and hats) -------------------
    ("military", (
        "weapon.n.01", "military_vehicle.n.01", "armor.n.01",
        "armor_plate.n.01", "military_uniform.n.01", "sheath.n.01", "gasmask.n.01",
        "instrument_of_execution.n.01",
    )),
    # --- vehicles -------------------------------------------------------------------
    ("cars", (
        "car.n.01", "car_mirror.n.01", "car_wheel.n.01", "disk_brake.n.01",
        "grille.n.02", "oil_filter.n.01", "seat_belt.n.01",
    )),
    ("trains", ("train.n.01", "locomotive.n.01", "car.n.02", "streetcar.n.01")),
    ("bikes-carts", (
        "bicycle.n.01", "motorcycle.n.01", "motor_scooter.n.01", "go-kart.n.01",
        "golfcart.n.01", "snowmobile.n.01",
    )),
    ("trucks-buses", ("truck.n.01", "bus.n.01", "self-propelled_vehicle.n.01",
                      "lifting_device.n.01")),
    # --- places ---------------------------------------------------------------------
    ("shops", ("mercantile_establishment.n.01", "restaurant.n.01",
               "vending_machine.n.01")),
    ("buildings", (
        "building.n.01", "housing.n.01", "building_complex.n.01", "establishment.n.04",
        "fortification.n.01", "memorial.n.03", "column.n.06", "tower.n.01",
        "roof.n.01", "door.n.01", "bannister.n.02", "altar.n.02", "pedestal.n.03",
        "bell_cote.n.01",
    )),
    ("streets", (
        "bridge.n.01", "barrier.n.01", "landing.n.02", "street_sign.n.01",
        "traffic_light.n.01", "manhole_cover.n.01", "gas_pump.n.01", "pier.n.03",
        "fountain.n.01", "mailbox.n.01", "cash_machine.n.01", "parking_meter.n.01",
        "flagpole.n.02", "water_tower.n.01", "drilling_platform.n.01", "solar_dish.n.01",
    )),
    ("bikes-carts", ("wheeled_vehicle.n.01", "sled.n.01", "conveyance.n.03")),
    # --- leisure --------------------------------------------------------------------
    ("music", ("musical_instrument.n.01", "drumstick.n.02", "pick.n.05", "stage.n.03",
               "theater_curtain.n.01")),
    ("toys-games", ("plaything.n.01", "game.n.09", "ride.n.02", "slot_machine.n.01",
                    "piggy_bank.n.01", "maze.n.01")),
    ("sports", (
        "sports_equipment.n.01", "game_equipment.n.01", "sports_implement.n.01",
        "athlete.n.01", "diver.n.01", "ski.n.01", "puck.n.02", "scoreboard.n.01",
        "paddle.n.04", "snorkel.n.01", "tent.n.01", "sleeping_bag.n.01",
        "knee_pad.n.01", "reel.n.03",
    )),
    # --- health, personal care, office ---------------------------------------------
    ("health-science", (
        "medical_instrument.n.01", "bandage.n.01", "breathing_device.n.01", "brace.n.01",
        "crutch.n.01", "pill_bottle.n.01", "petri_dish.n.01", "beaker.n.01",
        "oscilloscope.n.01", "radio_telescope.n.01",
    )),
    ("bathroom-beauty", (
        "toiletry.n.01", "hairpiece.n.01", "bath_towel.n.01", "bathtub.n.01",
        "washbasin.n.02", "soap_dispenser.n.01", "shower_curtain.n.01", "shower_cap.n.01",
        "toilet_seat.n.01", "toilet_tissue.n.01", "medicine_chest.n.01",
    )),
    ("office-school", (
        "writing_implement.n.01", "print_media.n.01", "eraser.n.01",
        "office_furniture.n.01", "binder.n.03", "book_jacket.n.01", "abacus.n.02",
        "pencil_sharpener.n.01", "pencil_box.n.01", "envelope.n.01", "photocopier.n.01",
        "letter_opener.n.01", "paintbrush.n.01",
    )),
    # --- wearables ------------------------------------------------------------------
    ("bags-accessories", (
        "bag.n.01", "jewelry.n.01", "case.n.05", "spectacles.n.01",
        "umbrella.n.01", "necktie.n.01", "buckle.n.01", "hair_slide.n.01",
        "handkerchief.n.01",
    )),
    ("hats", ("headdress.n.01", "ski_mask.n.01")),
    ("shoes", ("footwear.n.01", "footwear.n.02")),
    ("clothing", ("clothing.n.01", "bib.n.01")),
    # --- home -----------------------------------------------------------------------
    ("drinks", ("bottle.n.01", "drinking_vessel.n.01", "glass.n.02",
                "cocktail_shaker.n.01")),
    ("kitchen", (
        "kitchen_utensil.n.01", "kitchen_appliance.n.01", "tableware.n.01",
        "refrigerator.n.01", "dishwasher.n.01", "opener.n.03", "knife.n.01", "ladle.n.01",
        "measuring_cup.n.01", "mortar.n.03", "tray.n.01", "plate_rack.n.01",
        "strainer.n.01", "dishrag.n.01", "paper_towel.n.01", "pitcher.n.02",
        "saltshaker.n.01",
    )),
    ("home-decor", (
        "source_of_illumination.n.01", "lamp.n.02", "lampshade.n.01", "vase.n.01",
        "floor_cover.n.01", "bedclothes.n.01", "cushion.n.03", "fabric.n.01",
        "blind.n.03", "screen.n.04", "screen.n.05",
    )),
    ("furniture", ("furniture.n.01",)),
    ("appliances", ("home_appliance.n.01", "heater.n.01", "fan.n.01", "blower.n.01")),
    # --- electronics and instruments ------------------------------------------------
    ("computers", (
        "computer.n.01", "display.n.06", "peripheral.n.01", "keyboard.n.01",
        "memory_device.n.01", "mouse.n.04", "modem.n.01", "space_bar.n.01",
    )),
    ("tv-audio-phones", (
        "telephone.n.01", "audio_system.n.01", "electronic_equipment.n.01",
        "transducer.n.01", "communication_system.n.01", "remote_control.n.01",
        "cassette.n.01",
    )),
    ("cameras-optics", (
        "photographic_equipment.n.01", "optical_instrument.n.01", "optical_device.n.01",
        "magnifier.n.01", "lens_cap.n.01", "tripod.n.01",
    )),
    ("clocks-measuring", ("timepiece.n.01", "measuring_instrument.n.01",
                          "navigational_instrument.n.01")),
    ("tools", (
        "tool.n.01", "fastener.n.02", "mechanical_device.n.01",
        "kit.n.02", "chain.n.03",
    )),
    ("household", (
        "container.n.01", "cleaning_implement.n.01", "lighter.n.02", "matchstick.n.01",
        "switch.n.01", "mousetrap.n.01", "cap.n.02",
    )),
)
# fmt: on

# Class index -> category id, for classes where WordNet's sense or its place in the
# hierarchy contradicts what the class's photos show. One reason each.
OVERRIDES: dict[int, str] = {
    496: "home-decor",  # Christmas stocking: a decoration; WordNet files it under footwear
    501: "clothing",  # cloak: WordNet's sense is "anything that covers", the photos are cloaks
    598: "tv-audio-phones",  # home theater: TV & audio equipment, filed under buildings
    599: "insects-spiders",  # honeycomb: WordNet's sense is a man-made framework; bees' combs
    638: "clothing",  # maillot: dance tights; WordNet files hosiery under footwear
    664: "computers",  # monitor: WordNet's sense is signal-checking gear; photos are screens
    676: "dogs",  # muzzle: the restraint is photographed on dogs
    456: "sports",  # bow: WordNet's sense is the weapon; the photos are archery bows
    723: "toys-games",  # pinwheel: WordNet's sense is a machine wheel; photos are the toy
    744: "aircraft",  # projectile: the photos are rockets at launch, as for class 657 missile
    798: "office-school",  # slide rule: a school calculating tool, filed under computers
    815: "insects-spiders",  # spider web: filed under traps (devices); photos are real webs
    830: "health-science",  # stretcher: a medical litter, filed under conveyances
    878: "office-school",  # typewriter keyboard: typewriters, not computers
    982: "clothing",  # groom: the only wedding class; photos are of wedding attire
}


@dataclass(frozen=True)
class Synset:
    """One noun synset of data.noun."""

    offset: str
    words: tuple[str, ...]
    hypernyms: tuple[str, ...]
    gloss: str


@dataclass(frozen=True)
class WordNet:
    """The noun part of WordNet 3.0: synsets by offset, and lemma -> offsets in sense order."""

    synsets: dict[str, Synset]
    senses: dict[str, tuple[str, ...]]

    def lookup(self, name: str) -> Synset:
        """Resolve `lemma.n.NN` (NLTK-style sense name) to its synset."""
        lemma, pos, num = name.rsplit(".", 2)
        if pos != "n":
            raise ValueError(f"{name}: only noun senses are supported")
        offsets = self.senses.get(lemma.lower())
        if offsets is None or not 1 <= int(num) <= len(offsets):
            raise KeyError(f"{name}: no such WordNet 3.0 noun sense")
        return self.synsets[offsets[int(num) - 1]]

    def ancestors(self, offset: str) -> set[str]:
        """The synset and everything above it via hypernym and instance-hypernym pointers."""
        seen = {offset}
        queue = deque([offset])
        while queue:
            for parent in self.synsets[queue.popleft()].hypernyms:
                if parent not in seen:
                    seen.add(parent)
                    queue.append(parent)
        return seen


def parse_data_noun(text: str) -> dict[str, Synset]:
    """Parse data.noun as documented in wndb(5)."""
    synsets: dict[str, Synset] = {}
    for line in text.splitlines():
        if not line or line.startswith("  "):  # licence header lines start with 2 spaces
            continue
        fields_part, _, gloss = line.partition(" | ")
        fields = fields_part.split()
        offset, ss_type, w_cnt = fields[0], fields[2], int(fields[3], 16)
        if ss_type != "n":
            raise ValueError(f"unexpected synset type {ss_type!r} at {offset}")
        words = tuple(fields[4 + 2 * i] for i in range(w_cnt))
        pos = 4 + 2 * w_cnt
        p_cnt = int(fields[pos])
        hypernyms = []
        for k in range(p_cnt):
            symbol, target, target_pos, _src_tgt = fields[pos + 1 + 4 * k : pos + 5 + 4 * k]
            if symbol in ("@", "@i") and target_pos == "n":
                hypernyms.append(target)
        synsets[offset] = Synset(offset, words, tuple(hypernyms), gloss.strip())
    return synsets


def parse_index_noun(text: str) -> dict[str, tuple[str, ...]]:
    """Parse index.noun: lemma -> synset offsets in sense-number order."""
    senses: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if not line or line.startswith("  "):
            continue
        fields = line.split()
        synset_cnt = int(fields[2])
        senses[fields[0]] = tuple(fields[-synset_cnt:])
    return senses


def find_wordnet_dir() -> Path | None:
    """The first directory holding WordNet 3.0's data.noun, or None."""
    for folder in WORDNET_DIRS:
        if (folder / "data.noun").is_file() and (folder / "index.noun").is_file():
            return folder
    return None


def find_timm_wheel() -> Path | None:
    """A cached timm wheel (any version: they all ship the same ImageNet-1k synsets)."""
    wheels = sorted(CACHE.glob(WHEEL_GLOB)) if CACHE.is_dir() else []
    return wheels[-1] if wheels else None


def load_wordnet(folder: Path) -> WordNet:
    """Read data.noun and index.noun from a WordNet 3.0 dict folder."""
    data = (folder / "data.noun").read_text(encoding="latin-1")
    index = (folder / "index.noun").read_text(encoding="latin-1")
    wn = WordNet(parse_data_noun(data), parse_index_noun(index))
    # ImageNet ids are WordNet 3.0 offsets; other versions number synsets differently.
    if wn.lookup("dog.n.01").offset != "02084071":
        raise ValueError(f"{folder} does not hold WordNet 3.0 (dog.n.01 is not n02084071)")
    return wn


def load_wnids(wheel: Path) -> list[str]:
    """The 1000 ImageNet-1k synset ids in class-index order."""
    with zipfile.ZipFile(wheel) as zf:
        wnids = zf.read(SYNSETS_IN_WHEEL).decode("utf-8").split()
    if len(wnids) != NUM_CLASSES or wnids != sorted(wnids):
        raise ValueError(f"{SYNSETS_IN_WHEEL} is not the 1000 sorted ImageNet-1k synsets")
    return wnids


def load_labels() -> list[str]:
    """The model's class names (models/imagenet_labels.txt)."""
    labels = LABELS.read_text(encoding="utf-8").splitlines()
    if len(labels) != NUM_CLASSES:
        raise ValueError(f"{LABELS} has {len(labels)} lines, expected {NUM_CLASSES}")
    return labels


@dataclass(frozen=True)
class Assignment:
    """Where one class landed, and why."""

    category: str
    reason: str


def assign(wn: WordNet, wnids: list[str], labels: list[str]) -> list[Assignment]:
    """Map every class to a category id with RULES, then OVERRIDES.

    Fails on anything that would make the rules misleading: an unknown category, an
    anchor that decides no class, or an override that changes nothing.
    """
    ids = [cid for cid, _ in CATEGORIES]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate category id")
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for rule_cid, names in RULES:
        if rule_cid not in ids:
            raise ValueError(f"rule for unknown category {rule_cid!r}")
        rules.append((rule_cid, [(name, wn.lookup(name).offset) for name in names]))
    used: set[str] = set()
    out: list[Assignment] = []
    for index, (wnid, label) in enumerate(zip(wnids, labels, strict=True)):
        synset = wn.synsets.get(wnid[1:])
        if synset is None:
            raise ValueError(f"class {index}: {wnid} is not a WordNet 3.0 noun synset")
        lemma = synset.words[0].replace("_", " ")
        if lemma != label and index not in RENAMED_LABELS:
            raise ValueError(f"class {index}: label {label!r} is not {wnid} ({lemma!r})")
        above = wn.ancestors(synset.offset)
        found = Assignment(OTHER, "no rule")
        for cid, anchors in rules:
            hit = next((name for name, offset in anchors if offset in above), None)
            if hit is not None:
                used.add(hit)
                found = Assignment(cid, hit)
                break
        if index in OVERRIDES:
            if OVERRIDES[index] == found.category:
                raise ValueError(f"override for class {index} ({label}) changes nothing")
            if OVERRIDES[index] not in ids:
                raise ValueError(f"override to unknown category {OVERRIDES[index]!r}")
            found = Assignment(OVERRIDES[index], f"override (rules: {found.category})")
        out.append(found)
    unused = [name for _, names in RULES for name in names if name not in used]
    if unused:
        raise ValueError(f"anchors that decide no class: {unused}")
    return out


def render(assignments: list[Assignment]) -> str:
    """The JSON text: fixed key order, one category per line, ten classes per line."""
    ids = [cid for cid, _ in CATEGORIES]
    head = {
        "id": TAXONOMY_ID,
        "version": VERSION,
        "description": DESCRIPTION,
        "source": SOURCE,
        "licence": LICENCE,
    }
    lines = ["{"]
    lines += [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    lines.append('  "categories": [')
    categories = [json.dumps({"id": cid, "name": name}) for cid, name in CATEGORIES]
    lines.append(",\n".join(f"    {c}" for c in categories))
    lines.append("  ],")
    lines.append('  "imagenet": [')
    numbers = [str(ids.index(a.category)) for a in assignments]
    rows = [", ".join(numbers[i : i + 10]) for i in range(0, len(numbers), 10)]
    lines.append(",\n".join(f"    {row}" for row in rows))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def show(assignments: list[Assignment], labels: list[str]) -> None:
    """Print every category with its classes (and the anchor that put them there)."""
    for cid, name in CATEGORIES:
        members = [i for i, a in enumerate(assignments) if a.category == cid]
        print(f"\n== {cid} ({name}): {len(members)}")
        for i in members:
            print(f"   {i:3d} {labels[i]:32s} <- {assignments[i].reason}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--wordnet", type=Path, help="folder with data.noun and index.noun")
    parser.add_argument("--timm-wheel", type=Path, help="a timm wheel (for the synset ids)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--show", action="store_true", help="print category -> classes only")
    parser.add_argument("--check", action="store_true", help="compare with --out, write nothing")
    args = parser.parse_args(argv)
    folder = args.wordnet or find_wordnet_dir()
    wheel = args.timm_wheel or find_timm_wheel()
    if folder is None or wheel is None:
        print(
            "need WordNet 3.0 data and a timm wheel: see this script's docstring", file=sys.stderr
        )
        return 2
    labels = load_labels()
    assignments = assign(load_wordnet(folder), load_wnids(wheel), labels)
    if args.show:
        show(assignments, labels)
        return 0
    text = render(assignments)
    if args.check:
        current = args.out.read_bytes() if args.out.is_file() else b""
        if current != text.encode("utf-8"):
            print(f"{args.out} is out of date: rerun {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.write_bytes(text.encode("utf-8"))  # bytes: "\n" line ends on every platform
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
