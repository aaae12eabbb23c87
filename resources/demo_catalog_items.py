"""What goes into the demo catalog: every photograph, chosen by looking at it, with its title,
its category (a category name of the public interest taxonomy, resources/taxonomy) and tags.

Used by build_demo_catalog.py, which reads each image's author and licence from its package.
Left out on purpose: renders, vector art, logos and paintings; scikit-image's `chelsea`,
`coffee`, `astronaut` and `rocket` and the photos in tests/data/held_out/ (the tests and the
README's screenshots recommend from the demo for a library of those photos, so the demo must not
contain them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Package:
    name: str
    version: str  # pinned: the Debian 12 "bookworm" version the demo is made from
    install_prefix: str  # where the package installs the images ...
    source_prefix: str  # ... and where they are in the source tree that debian/copyright describes


PACKAGES: dict[str, Package] = {p.name: p for p in (
    Package("mate-backgrounds", "1.26.0-1", "usr/share/backgrounds/mate/", ""),
    Package("lomiri-wallpapers-16.04", "20.04.0-2", "usr/share/backgrounds/", "16.04/"),
    Package("lxqt-themes", "1.2.0-1", "usr/share/lxqt/", ""),
    Package("plasma-workspace-wallpapers", "4:5.27.5-2", "usr/share/wallpapers/", ""),
    Package("enlightenment-data", "0.25.4-2", "usr/share/enlightenment/", ""),
    Package("palapeli-data", "4:22.12.3-1", "usr/share/palapeli/collection/", ""),
    Package("sddm-theme-maldives", "0.19.0-5", "usr/share/sddm/", "data/"),
    Package("python3-skimage", "0.19.3-8", "usr/lib/python3/dist-packages/", ""),
    Package("python3-sklearn", "1.2.1+dfsg-1", "usr/lib/python3/dist-packages/", ""),
    # GCompris ships its activities as Qt resource files (.rcc); the photographs inside are
    # WebP, credited one by one in a README inside the same .rcc (or in debian/copyright).
    Package("gcompris-qt-data", "3.1-2", "usr/share/gcompris-qt/rcc/", ""),
)}

# Category names of resources/taxonomy/interests-v2.json (the build checks that they are).
LANDSCAPES = "Landscapes & nature"
PLANTS = "Plants & flowers"
BUILDINGS = "Buildings & architecture"
STREETS = "Streets & infrastructure"
BIRDS = "Birds"
INSECTS = "Insects, spiders & other bugs"
CATS = "Cats & wild cats"
DOGS = "Dogs"
MAMMALS = "Other mammals"
HOOFED = "Hoofed animals & livestock"
PRIMATES = "Monkeys & apes"
REPTILES = "Reptiles & amphibians"
SEA_LIFE = "Sea life & shellfish"
FRUIT = "Fruit & vegetables"
DRINKS = "Drinks"
KITCHEN = "Kitchen & tableware"
DECOR = "Home decor, lighting & textiles"
TOOLS = "Tools & hardware"


@dataclass(frozen=True)
class Print:
    """One photograph: where it is, what it shows, and who made it when debian/copyright
    names only a project (with the text in the package that says so)."""

    package: str
    file: str  # path inside the package
    name: str  # title
    category: str
    tags: tuple[str, ...]
    credit: str | None = None  # per-image author named upstream
    evidence: tuple[str, str] | None = None  # (file in the package, text that names them)
    upstream_license: str | None = None
    key: str | None = None  # item id part, when the file name is too generic
    member: str | None = None  # path inside a container file (.rcc, .edj)
    readme: str | None = None  # the README inside the container that credits `member`


_MATE = "usr/share/backgrounds/mate/nature/"
_L16 = "usr/share/backgrounds/"
_LXQT = "usr/share/lxqt/wallpapers/"
_LXQT_LICENSE = "usr/share/lxqt/wallpapers/License"
_E = "usr/share/enlightenment/data/backgrounds/"
_PAL = "usr/share/palapeli/collection/"
_SKI_DOC = "usr/lib/python3/dist-packages/skimage/data/_fetchers.py"
_SKL = "usr/lib/python3/dist-packages/sklearn/datasets/images/"
_STEF = "stefonarch"
_LXQT_TEAM = "LXQt Project Team"
_RCC = "usr/share/gcompris-qt/rcc/"
_GC = "gcompris/src/activities/"


def slug(text: str) -> str:
    """`Château de Chambord` -> `chateau-de-chambord` (accents dropped, ASCII only)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _plasma(name: str, title: str, category: str, *tags: str) -> Print:
    return Print("plasma-workspace-wallpapers",
                 f"usr/share/wallpapers/{name}/contents/images/2560x1600.jpg", title, category,
                 tags)


def _e(name: str, title: str, category: str, *tags: str) -> Print:
    return Print("enlightenment-data", f"{_E}{name}.edj", title, category, tags)


def _lxqt(file: str, title: str, category: str, tags: tuple[str, ...], credit: str) -> Print:
    return Print("lxqt-themes", _LXQT + file, title, category, tags, credit,
                 (_LXQT_LICENSE, credit), "CC-BY-SA-3.0")


def _mate(file: str, title: str, category: str, *tags: str) -> Print:
    return Print("mate-backgrounds", _MATE + file, title, category, tags)


def _l16(file: str, title: str, category: str, *tags: str) -> Print:
    return Print("lomiri-wallpapers-16.04", _L16 + file, title, category, tags)


def _gc(activity: str, folder: str, stem: str, title: str, category: str, *tags: str,
        readme: str | None = None) -> Print:
    """A photograph inside a GCompris activity's .rcc, credited by the README next to it."""
    where = f"{_GC}{activity}/resource/"
    return Print("gcompris-qt-data", f"{_RCC}{activity}.rcc", title, category, tags,
                 member=f"{where}{folder}{stem}.webp",
                 readme=f"{where}{readme if readme is not None else folder}README",
                 key=slug(title))


def _monument(path: str, title: str, category: str = BUILDINGS, *tags: str) -> Print:
    folder, stem = path.split("/")
    return _gc("explore_monuments", f"{folder}/", stem, title, category, *tags, readme="")


def _wild(stem: str, title: str, category: str, *tags: str) -> Print:
    return _gc("explore_world_animals", "animals/", stem, title, category, *tags)


def _farm(stem: str, title: str, category: str, *tags: str) -> Print:
    return _gc("explore_farm_animals", "animals/", stem, title, category, *tags)


def _erase(stem: str, title: str, category: str, *tags: str) -> Print:
    return _gc("erase", "", stem, title, category, *tags)


def _tableware(stem: str, title: str, category: str, *tags: str) -> Print:
    """GCompris's categorization photos (320 px): credited in debian/copyright, by source
    name (`<stem>.jpg`, converted to WebP in the package)."""
    return Print("gcompris-qt-data", f"{_RCC}categorization.rcc", title, category, tags,
                 member=f"{_GC}categorization/resource/images/others/{stem}.webp",
                 key=slug(title))


PRINTS: tuple[Print, ...] = (
    # mate-backgrounds: debian/copyright names each photographer.
    _mate("Aqua.jpg", "Aqua", LANDSCAPES, "water", "drop", "splash"),
    _mate("Blinds.jpg", "Blinds", PLANTS, "leaf", "green", "macro"),
    _mate("FreshFlower.jpg", "Fresh Flower", PLANTS, "flower", "orange", "macro"),
    _mate("GreenMeadow.jpg", "Green Meadow", PLANTS, "grass", "green", "meadow"),
    _mate("LadyBird.jpg", "Ladybird", INSECTS, "ladybird", "insect", "flowers"),
    _mate("RainDrops.jpg", "Rain Drops", PLANTS, "leaf", "rain", "drops", "green"),
    _mate("TwoWings.jpg", "Two Wings", PLANTS, "dandelion", "seeds", "macro"),
    # lomiri-wallpapers-16.04: debian/copyright names each photographer.
    _l16("Bridge_by_Sander_Klootwijk.jpg", "Bridge", STREETS, "bridge", "cables", "sky"),
    _l16("Dragonfly_by_Bolly.jpg", "Dragonfly", INSECTS, "dragonfly", "insect", "leaves"),
    _l16("Picture_0B_by_freespace.jpg", "Picture 0B (fig)", FRUIT, "fig", "fruit", "bowl"),
    _l16("Picture_1A_by_freespace.jpg", "Picture 1A (brushes)", TOOLS, "brushes", "colourful"),
    _l16("Wine_by_Jakkub_Mede.jpg", "Wine", DRINKS, "wine", "glass", "interior"),
    _l16("aitzgorri_by_Aitzol_Berasategi.jpg", "Aitzgorri", LANDSCAPES, "mountains", "autumn"),
    _l16("free_by_Peter_Nerlich.jpg", "Free", DECOR, "lamps", "bird", "ornament"),
    _l16("friends_by_Aitzol_Berasategi.jpg", "Friends", DOGS, "dogs", "window", "pets"),
    _l16("life_by_Aitzol_Berasategi.jpg", "Life", LANDSCAPES, "stream", "forest", "rocks"),
    _l16("picosdeeuropa_by_Aitzol_Berasategi.jpg", "Picos de Europa", LANDSCAPES, "mountains",
         "path", "snow"),
    _l16("seeding_by_Clements_Engelhardt.jpg", "Seeding", PLANTS, "dandelions", "meadow"),
    # lxqt-themes: debian/copyright covers the package as a whole; the wallpapers' own License
    # file credits the photographer and gives CC-BY-SA-3.0.
    _lxqt("Valendas.png", "Valendas", LANDSCAPES, ("mountains", "clouds", "alps"), _LXQT_TEAM),
    _lxqt("after-the-rain.jpg", "After the Rain", LANDSCAPES, ("sunset", "clouds", "hills"),
          _STEF),
    _lxqt("beam.png", "Beam", LANDSCAPES, ("sunbeam", "clouds", "sky"), _STEF),
    _lxqt("butterfly.png", "Butterfly", INSECTS, ("butterfly", "insect", "flower"), _STEF),
    _lxqt("cloud.png", "Cloud", LANDSCAPES, ("clouds", "sky", "blue"), _LXQT_TEAM),
    _lxqt("drop.png", "Drop", PLANTS, ("grass", "drop", "green"), _STEF),
    _lxqt("flowers.png", "Flowers", PLANTS, ("flowers", "meadow", "purple"), _STEF),
    _lxqt("this-is-not-windows.jpg", "This Is Not Windows", LANDSCAPES,
          ("hills", "sky", "countryside"), _STEF),
    Print("lxqt-themes", _LXQT + "Butterfly-Kenneth-Wimer.jpg", "Butterfly", INSECTS,
          ("butterfly", "insect", "flowers"), "Kenneth Wimer",
          (_LXQT_LICENSE, "licenses/by-sa/3.0"), "CC-BY-SA-3.0 (author from the file name)"),
    # plasma-workspace-wallpapers: author and licence of each from its metadata.json.
    _plasma("BytheWater", "By the Water", LANDSCAPES, "pier", "lake", "sunset"),
    _plasma("ColdRipple", "Cold Ripple", LANDSCAPES, "pier", "fog", "lake"),
    _plasma("ColorfulCups", "Colorful Cups", KITCHEN, "cups", "colourful", "tableware"),
    _plasma("DarkestHour", "Darkest Hour", LANDSCAPES, "lake", "mist", "blue"),
    _plasma("EveningGlow", "Evening Glow", LANDSCAPES, "boats", "lake", "sunset"),
    _plasma("FallenLeaf", "Fallen Leaf", PLANTS, "leaf", "autumn", "maple"),
    _plasma("Grey", "Grey", BUILDINGS, "architecture", "facade", "black and white"),
    _plasma("Kite", "Kite", LANDSCAPES, "kite", "clouds", "blue sky"),
    _plasma("OneStandsOut", "One Stands Out", PLANTS, "moss", "green", "macro"),
    _plasma("Path", "Path", LANDSCAPES, "forest", "path", "trees"),
    _plasma("summer_1am", "Summer 1am", LANDSCAPES, "lake", "dusk", "nordic"),
    # enlightenment-data: JPEGs inside the .edj background files; debian/copyright covers all.
    _e("Bamboo", "Bamboo", PLANTS, "bamboo", "leaves", "green"),
    _e("Foggy-Trees", "Foggy Trees", LANDSCAPES, "fog", "trees", "dark"),
    _e("God-Rays", "God Rays", LANDSCAPES, "sunbeams", "clouds", "light"),
    _e("Green-Maple", "Green Maple", PLANTS, "maple", "leaves", "green"),
    _e("Lichen-Branches", "Lichen Branches", PLANTS, "lichen", "branches", "forest"),
    _e("Mountain", "Mountain", LANDSCAPES, "mountain", "snow", "peak"),
    _e("Peaks", "Peaks", LANDSCAPES, "mountains", "dusk", "peaks"),
    _e("Red-Maple", "Red Maple", PLANTS, "maple", "leaves", "red", "autumn"),
    _e("Sea-of-Lanterns", "Sea of Lanterns", DECOR, "lanterns", "festival", "colourful"),
    _e("Snow-Trees", "Snow Trees", LANDSCAPES, "snow", "trees", "winter"),
    _e("Spruce-Needles", "Spruce Needles", PLANTS, "spruce", "needles", "macro"),
    _e("Sunset-Clouds", "Sunset Clouds", LANDSCAPES, "clouds", "sunset", "sky"),
    _e("White-Flower", "White Flower", PLANTS, "frangipani", "flower", "white"),
    _e("Yellow-Flower", "Yellow Flower", PLANTS, "flower", "yellow", "green"),
    # palapeli-data: the photographer of each from its .desktop file.
    Print("palapeli-data", _PAL + "cincinnati-bridge.jpg", "Roebling Suspension Bridge",
          STREETS, ("bridge", "night", "city", "river")),
    Print("palapeli-data", _PAL + "citrus-fruits.jpg", "Citrus Fruits", FRUIT,
          ("citrus", "fruit", "orange", "lime")),
    Print("palapeli-data", _PAL + "european-honey-bee.jpg", "European Honey Bee", INSECTS,
          ("bee", "insect", "flower")),
    Print("palapeli-data", _PAL + "panther-chameleon-female.jpg", "Panther Chameleon",
          REPTILES, ("chameleon", "reptile", "tree")),
    # sddm-theme-maldives: debian/copyright names the photographer.
    Print("sddm-theme-maldives", "usr/share/sddm/themes/maldives/background.jpg", "Maldives",
          LANDSCAPES, ("beach", "pier", "palm trees", "sea"), key="maldives"),
    # python3-skimage: credited in skimage.data's docstrings.
    Print("python3-skimage", "usr/lib/python3/dist-packages/skimage/data/hubble_deep_field.jpg",
          "Hubble Deep Field", LANDSCAPES, ("galaxies", "space", "stars"), "NASA",
          (_SKI_DOC, "The image was captured by NASA"), "public domain"),
    # python3-sklearn: credited in the README.txt next to them.
    Print("python3-sklearn", _SKL + "china.jpg", "China (temple roofs)", BUILDINGS,
          ("temple", "roofs", "china"), "danielbuechele",
          (_SKL + "README.txt", "Some rights reserved by danielbuechele"),
          "CC-BY-2.0 (creativecommons.org/licenses/by/2.0)", key="china"),
    Print("python3-sklearn", _SKL + "flower.jpg", "Flower", PLANTS, ("flower", "pink"),
          "danielbuechele (the README's link: flickr.com/photos/vultilion)",
          (_SKL + "README.txt", "https://www.flickr.com/photos/vultilion/"),
          "CC-BY-2.0 (creativecommons.org/licenses/by/2.0)", key="flower"),
    # gcompris-qt-data, explore_monuments: Wikimedia Commons photographs.
    _monument("egypt/bentPyramid", "Bent Pyramid, Dahshur", BUILDINGS, "pyramid", "desert"),
    _monument("egypt/greatPyramidOfGiza", "Great Pyramid of Giza", BUILDINGS, "pyramid"),
    _monument("egypt/meidumPyramid", "Meidum Pyramid", BUILDINGS, "pyramid", "desert"),
    _monument("egypt/redPyramid", "Red Pyramid, Dahshur", BUILDINGS, "pyramid", "desert"),
    _monument("france/arlesAmphitheater", "Arles Amphitheatre", BUILDINGS, "roman", "arena"),
    _monument("france/chateaudeChambord", "Château de Chambord", BUILDINGS, "castle"),
    _monument("france/chateaudeChenonceau", "Château de Chenonceau", BUILDINGS, "castle",
              "river"),
    _monument("france/citedeCarcassonne", "Cité de Carcassonne", BUILDINGS, "castle", "walls"),
    _monument("france/eiffelTower", "Eiffel Tower", BUILDINGS, "tower", "paris"),
    _monument("france/montStMichel", "Mont-Saint-Michel", BUILDINGS, "abbey", "island"),
    _monument("france/palaisdesPapes", "Palais des Papes, Avignon", BUILDINGS, "palace"),
    _monument("france/pontduGard", "Pont du Gard", BUILDINGS, "aqueduct", "bridge", "roman"),
    _monument("france/reimsCathedral", "Reims Cathedral", BUILDINGS, "cathedral", "gothic"),
    _monument("france/rocamadour", "Rocamadour", BUILDINGS, "village", "cliff"),
    _monument("germany/aulaPalatina", "Aula Palatina, Trier", BUILDINGS, "basilica", "brick"),
    _monument("germany/berlinCathedral", "Berlin Cathedral", BUILDINGS, "cathedral", "dome"),
    _monument("germany/brandenburgGate", "Brandenburg Gate", BUILDINGS, "gate", "night"),
    _monument("germany/neuschwansteinCastle", "Neuschwanstein Castle", BUILDINGS, "castle"),
    _monument("germany/schwerinPalace", "Schwerin Palace", BUILDINGS, "palace", "lake"),
    _monument("germany/trierImperialBaths", "Imperial Baths, Trier", BUILDINGS, "roman",
              "ruins"),
    _monument("germany/wormsCathedral", "Worms Cathedral (bronze model)", BUILDINGS,
              "cathedral", "model"),
    _monument("india/ajantaCave", "Ajanta Caves", BUILDINGS, "caves", "gorge"),
    _monument("india/charminar", "Charminar, Hyderabad", BUILDINGS, "minarets", "arch"),
    _monument("india/gatewayofIndia", "Gateway of India, Mumbai", BUILDINGS, "arch", "dusk"),
    _monument("india/goldenTemple", "Golden Temple, Amritsar", BUILDINGS, "temple", "water"),
    _monument("india/greatStupa", "Great Stupa, Sanchi", BUILDINGS, "stupa", "dome"),
    _monument("india/hawaMahal", "Hawa Mahal, Jaipur", BUILDINGS, "palace", "facade", "pink"),
    _monument("india/konarkSunTemple", "Konark Sun Temple", BUILDINGS, "temple", "stone"),
    _monument("india/mysorePalace", "Mysore Palace", BUILDINGS, "palace"),
    _monument("india/qutubMinar", "Qutub Minar, Delhi", BUILDINGS, "minaret", "tower"),
    _monument("india/rangGhar", "Rang Ghar, Assam", BUILDINGS, "pavilion", "brick"),
    _monument("india/victoriaMemorial", "Victoria Memorial, Kolkata", BUILDINGS, "marble",
              "dome"),
    _monument("usa/cabrillo", "Cabrillo National Monument", BUILDINGS, "statue"),
    _monument("usa/canyondeChelly", "Canyon de Chelly", LANDSCAPES, "canyon", "river", "desert"),
    _monument("usa/castillodeSanMarcos", "Castillo de San Marcos", BUILDINGS, "fort", "aerial"),
    _monument("usa/castleClinton", "Castle Clinton, 1961", BUILDINGS, "fort", "aerial",
              "black and white"),
    _monument("usa/fortSumter", "Fort Sumter", BUILDINGS, "fort", "ruins"),
    _monument("usa/georgeWashingtonBirthplace", "George Washington Birthplace", BUILDINGS,
              "house", "brick"),
    _monument("usa/lincolnMemorial", "Lincoln Memorial", BUILDINGS, "memorial", "night"),
    _monument("usa/mountRushmore", "Mount Rushmore", BUILDINGS, "sculpture", "mountain"),
    _monument("usa/navajo", "Betatakin Cliff Dwellings", BUILDINGS, "cliff", "ruins"),
    _monument("usa/statueofLiberty", "Statue of Liberty", BUILDINGS, "statue", "new york"),
    _monument("wonders/chichenItza", "Chichén Itzá", BUILDINGS, "pyramid", "maya"),
    _monument("wonders/christTheRedeemer", "Christ the Redeemer, Rio de Janeiro", BUILDINGS,
              "statue", "city", "mountain"),
    _monument("wonders/colosseum", "Colosseum, Rome", BUILDINGS, "roman", "arena"),
    _monument("wonders/greatWallofChina", "Great Wall of China", BUILDINGS, "wall",
              "mountains"),
    _monument("wonders/machuPicchu", "Machu Picchu", BUILDINGS, "ruins", "mountains"),
    _monument("wonders/petra", "Petra", BUILDINGS, "rock", "temple"),
    _monument("wonders/tajMahal", "Taj Mahal", BUILDINGS, "marble", "mausoleum"),
    # gcompris-qt-data, explore_world_animals and explore_farm_animals.
    _wild("bison", "American Bison", HOOFED, "bison", "meadow"),
    _wild("chameleon", "Garden Chameleon", REPTILES, "chameleon", "branch"),
    _wild("crocodile", "Saltwater Crocodile", REPTILES, "crocodile", "river bank"),
    _wild("dragon", "Komodo Dragon", REPTILES, "lizard", "komodo"),
    _wild("giraffe", "Giraffes", HOOFED, "giraffe", "savanna"),
    _wild("hedgehog", "Hedgehog", MAMMALS, "hedgehog", "grass"),
    _wild("jaguar", "Two Jaguar Sisters", CATS, "jaguar", "big cat"),
    _wild("kangaroo", "Kangaroo and Joey", MAMMALS, "kangaroo", "australia"),
    _wild("koala", "Koala", MAMMALS, "koala", "tree"),
    _wild("lemur", "Ring-tailed Lemurs", PRIMATES, "lemur", "madagascar"),
    _wild("moose", "Moose", HOOFED, "moose", "antlers"),
    _wild("narwhal", "Narwhals", SEA_LIFE, "narwhal", "whale", "sea"),
    _wild("panda", "Giant Panda", MAMMALS, "panda", "bear"),
    _wild("polar_bear", "Polar Bear", MAMMALS, "polar bear", "snow"),
    _wild("scarlet_macaw", "Scarlet Macaw", BIRDS, "parrot", "macaw"),
    _farm("cat", "Kitten at Play", CATS, "kitten", "wool"),
    _farm("chicken", "Chickens", BIRDS, "chickens", "farm"),
    _farm("cow", "Cow", HOOFED, "cow", "farm", "meadow"),
    _farm("dog", "German Shepherd", DOGS, "dog", "german shepherd"),
    _farm("duck", "Aylesbury Duck", BIRDS, "duck", "farm"),
    _farm("horse", "Nokota Horses", HOOFED, "horses", "prairie"),
    _farm("owl", "Owl", BIRDS, "owl", "branch"),
    _farm("pig", "Pig", HOOFED, "pig", "farm"),
    _farm("sheep", "Sheep", HOOFED, "sheep", "farm"),
    # gcompris-qt-data, erase: the animal photographs (1920x1080).
    _erase("alpaca", "Alpacas", HOOFED, "alpaca", "wool"),
    _erase("bee", "Bee and Blossom", INSECTS, "bee", "flower", "orange"),
    _erase("butterfly", "Glassy Tiger Butterfly", INSECTS, "butterfly", "flower"),
    _erase("calf", "Calf", HOOFED, "calf", "farm"),
    _erase("camels", "Bactrian Camels", HOOFED, "camels", "desert"),
    _erase("caterpillar", "Swallowtail Caterpillar", INSECTS, "caterpillar", "green"),
    _erase("chamaeleon", "Mediterranean Chameleon", REPTILES, "chameleon", "branch"),
    _erase("cheetah", "Cheetah", CATS, "cheetah", "big cat", "savanna"),
    _erase("crab", "Sally Lightfoot Crab", SEA_LIFE, "crab", "red", "rocks"),
    _erase("dolphin", "Dolphin", SEA_LIFE, "dolphin", "underwater"),
    _erase("flying_fox", "Grey-headed Flying Fox", MAMMALS, "bat", "flying fox"),
    _erase("gibbon", "Lar Gibbon", PRIMATES, "gibbon", "ape", "forest"),
    _erase("giraffe", "Giraffe", HOOFED, "giraffe", "head"),
    _erase("goat", "Valais Blackneck Goat", HOOFED, "goat", "alps"),
    _erase("gorilla", "Mountain Gorilla", PRIMATES, "gorilla", "ape"),
    _erase("gosling", "Greylag Gosling", BIRDS, "gosling", "goose"),
    _erase("heron", "Purple Heron in Flight", BIRDS, "heron", "flight"),
    _erase("horse", "Zanskari Horse", HOOFED, "horse", "mountains"),
    _erase("kingfisher", "Kingfisher", BIRDS, "kingfisher", "blue", "orange"),
    _erase("kitten", "Kitten", CATS, "kitten", "ginger"),
    _erase("long_nosed_monkey", "Proboscis Monkey and Baby", PRIMATES, "monkey", "baby"),
    _erase("macaque", "Bonnet Macaque", PRIMATES, "macaque", "monkey"),
    _erase("meerkats", "Meerkats", MAMMALS, "meerkats", "desert"),
    _erase("northern_harrier", "Northern Harrier in Flight", BIRDS, "bird of prey", "flight"),
    _erase("nubian_ibex", "Young Nubian Ibex", HOOFED, "ibex", "desert"),
    _erase("penguin", "Chinstrap Penguin", BIRDS, "penguin", "antarctica"),
    _erase("pika", "Pika", MAMMALS, "pika", "rocks", "flowers"),
    _erase("red_panda", "Red Panda", MAMMALS, "red panda", "branch"),
    _erase("rhinoceros", "Indian Rhinoceros", HOOFED, "rhinoceros"),
    _erase("spoonbills", "Spoonbills", BIRDS, "spoonbill", "water"),
    _erase("squirrel", "Red Squirrel", MAMMALS, "squirrel", "tree"),
    _erase("swans", "Mute Swans and Cygnets", BIRDS, "swans", "water"),
    _erase("toucan", "Collared Aracari", BIRDS, "toucan", "branch"),
    # gcompris-qt-data, categorization: tableware photographs (320 px).
    _tableware("buffetset", "Lincoln China Set, 1864", KITCHEN, "cup", "saucer", "china"),
    _tableware("cup", "A Cup of Tea", DRINKS, "tea", "cup", "saucer"),
    _tableware("pan", "Cast-iron Pan", KITCHEN, "pan", "cooking"),
    _tableware("plate", "Arktika Plate", KITCHEN, "plate", "white"),
    _tableware("spoons", "Silver Spoons", KITCHEN, "spoons", "silver"),
)

# GCompris's explore_monuments README names one file with a typo.
README_ALIASES = {"germany/aulaPalatina.webp": "germany/audaPalatina.webp"}
