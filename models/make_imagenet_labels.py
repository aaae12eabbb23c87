"""Write imagenet_labels.txt (ImageNet-1k class names, one per line, class-index order).

The names are the first WordNet lemma of each ImageNet-1k synset, read offline from
the files that the timm wheel ships (Apache-2.0; the lemmas are WordNet 3.0 data).
A few first lemmas are shared by two classes; those get a distinct name.

Run (any Python 3.11, standard library only):

    pip download --no-deps timm==1.0.31 -d /tmp/timm-wheel
    python models/make_imagenet_labels.py /tmp/timm-wheel/timm-1.0.31-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

SYNSETS = "timm/data/_info/imagenet_synsets.txt"
LEMMAS = "timm/data/_info/imagenet_synset_to_lemma.txt"
NUM_CLASSES = 1000
# Classes whose first lemma is shared with another class.
OVERRIDES = {134: "crane (bird)", 517: "crane (machine)", 639: "tank suit"}


def class_names(wheel: Path) -> list[str]:
    """Return the 1000 class names in the standard (sorted synset id) order."""
    with zipfile.ZipFile(wheel) as zf:
        synsets = zf.read(SYNSETS).decode("utf-8").split()
        lemma_lines = zf.read(LEMMAS).decode("utf-8").splitlines()
    lemmas = dict(line.split("\t", 1) for line in lemma_lines if line)
    if len(synsets) != NUM_CLASSES or synsets != sorted(synsets):
        raise ValueError("imagenet_synsets.txt is not the 1000 sorted ImageNet-1k synsets")
    names = [OVERRIDES.get(i, lemmas[s].split(", ")[0]) for i, s in enumerate(synsets)]
    if len(set(names)) != NUM_CLASSES:
        raise ValueError("class names are not unique")
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="path to a downloaded timm wheel")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "imagenet_labels.txt",
    )
    args = parser.parse_args()
    names = class_names(args.wheel)
    args.out.write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"wrote {len(names)} labels to {args.out}")


if __name__ == "__main__":
    main()
