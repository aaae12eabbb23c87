"""How well interests group real photo libraries, as a person would judge them.

    python -m bench.taste_purity [--folder DIR ...] [--verbose]

Each library is a set of real photographs with a label per photo that a person gave them:

* ``new-user``: what a new-user trial indexed (80 photos in folders Travel, Zoo, Nature): the
  monuments and the world animals of GCompris (``gcompris-qt-data``) and MATE's nature
  wallpapers (``mate-backgrounds``); the label is the folder they come from.
* ``school``: GCompris's categorisation pictures (fish, monuments, tools, renewable energy,
  household objects), labelled by their folder.
* ``demo``: the demo catalog's 171 photographs (resources/demo_catalog.zip), labelled by their
  hand-chosen taxonomy category, counted by its group (naming.GROUPS: the nine animal
  categories are one label).
* ``samples``: 12 crops of each of the eight scikit-image and scikit-learn sample photographs,
  labelled by their source photo.
* ``--folder DIR``: a person's own folder, labelled by first-level subfolder (embedded each
  run, never cached: it is their data).

The Debian packages are fetched with ``apt-get download`` into the bench cache
(``~/.cache/visrec-bench``, see bench/datasets.py); embeddings and tags come from the app's
own decoding and model (``ingest.pipeline.embed_many``) and are cached there per model.

Figures, per library, for the profile before (``eigengap``: choose_k and k-means alone, as
taste.py was) and after (``+ split``: subjects.split_mixed and assign_by_subject, and a rebuild
keeping its interests and their subjects) in the same run, each the mean over --shuffles
random photo orders and capture dates:
* purity: the share of photos whose interest's most common label is their own (Manning,
  Raghavan and Schütze 2008, "Introduction to Information Retrieval", 16.3);
* completeness: the share of photos in the interest that holds most of their label (inverse
  purity: splitting a label over interests lowers it, so purity cannot be bought by many tiny
  interests);
* tag agreement: the share of photos whose interest's name covers the taxonomy category of
  their own top tag (the category, one of a pair, or a member of a group; "Mixed" covers
  none): how often "because of N of your photos of X" is true of the photo shown;
* label agreement (``demo`` only): the same with the photo's hand-chosen category;
* rebuilds keep interests: the share of rebuilds after 10 % new photos (the library less every
  tenth photo, then all of it, given the first profile) whose interests are the same, matched
  one to one by centroid (identity.match, cosine >= 0.95), none added; "... and names": and
  every name the same.

A second table measures order invariance: each library indexed in --shuffles orders (photo ids
1, 2, ... in that order, as the store gives them; capture dates fixed per photo), the number of
distinct profiles (partitions of the photos, and lists of names) among them, and the range of
purity and completeness over the orders. 1 and 1 say the interests are a function of the
photos; before clusters.canonical_order, 10 orders of the new-user library gave 10
partitions, 8 lists of names, purity 0.829-1.000 and completeness 0.618-0.895.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from types import ModuleType

import numpy as np

from bench.datasets import DEFAULT_CACHE, package_root
from visrec_desktop.core.config import resource_path
from visrec_desktop.core.recommend import subjects, taste
from visrec_desktop.core.recommend.identity import match
from visrec_desktop.core.recommend.naming import GROUPS, MIXED, PAIR, UNTAGGED, bundled_namer
from visrec_desktop.core.recommend.taste import PhotoRecord, TasteProfile, build_profile

GCOMPRIS = "gcompris-qt-data"
MATE = "mate-backgrounds"
RCC = Path("usr/share/gcompris-qt/rcc")
MATE_NATURE = Path("usr/share/backgrounds/mate/nature")
SAMPLE_CROPS = 12
RULES = ("eigengap", "+ split")
SHUFFLES = 5
NOW = 1_900_000_000.0
YEAR = 365.25 * 86400
SPREAD_YEARS = 6.0

Source = tuple[str, Callable[[], bytes]]  # (file name, read function)


@dataclass
class Library:
    name: str
    vecs: np.ndarray  # (n, d) float32 unit rows
    tags: list[list[tuple[str, float]]]
    labels: np.ndarray  # (n,) str: the person's label of each photo
    names: list[str]  # file names, for --verbose
    categories: np.ndarray | None = None  # (n,) str: a hand-chosen taxonomy category


# --------------------------------------------------------------------------- embedding


def embed(sources: Sequence[Source]) -> tuple[np.ndarray, list[list[tuple[str, float]]],
                                              np.ndarray]:
    """Embeddings, top-5 tags and the ok mask of images, as the app indexes them."""
    from visrec_desktop.core.inference.embedder import Embedder
    from visrec_desktop.core.inference.manifest import load_model_spec
    from visrec_desktop.core.ingest.pipeline import embed_many

    embedder = Embedder(load_model_spec())
    result = embed_many(embedder, sources)
    assert result.probs is not None, "the model has no class output: no tags to name by"
    tags = [[(t.label, round(t.probability, 6)) for t in row]
            for row in embedder.top_tags(result.probs, 5)]
    return result.vectors, tags, result.ok


def cached_library(name: str, cache: Path, sources: Sequence[Source], labels: Sequence[str],
                   categories: Sequence[str] | None = None) -> Library:
    """The library of `sources`, its embeddings cached under the model's id."""
    from visrec_desktop.core.inference.manifest import load_model_spec

    model = re.sub(r"[^A-Za-z0-9._-]+", "-", load_model_spec().model_id)
    path = cache / "taste-purity" / model / f"{name}.npz"
    names = [s[0] for s in sources]
    if path.is_file():
        with np.load(path) as z:
            if z["names"].tolist() == names:
                return Library(name, z["vecs"], json.loads(str(z["tags"])),
                               np.asarray(labels), names,
                               None if categories is None else np.asarray(categories))
    vecs, tags, ok = embed(sources)
    assert ok.all(), f"{name}: {int((~ok).sum())} photos failed to decode"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, vecs=vecs, names=np.asarray(names), tags=np.asarray(json.dumps(tags)))
    return Library(name, vecs, tags, np.asarray(labels), names,
                   None if categories is None else np.asarray(categories))


@cache
def _read_rcc() -> Callable[[bytes], dict[str, bytes]]:
    """The Qt .rcc reader of resources/build_demo_catalog.py (the demo's GCompris photos)."""
    path = resource_path("resources") / "build_demo_catalog.py"
    spec = importlib.util.spec_from_file_location("build_demo_catalog", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    reader: Callable[[bytes], dict[str, bytes]] = module.read_rcc
    return reader


def _rcc_photos(root: Path, activity: str, folders: Sequence[str] | None = None
                ) -> list[tuple[str, str, bytes]]:
    """(folder, file name, bytes) of the photos in a GCompris activity's .rcc, sorted."""
    files = _read_rcc()((root / RCC / f"{activity}.rcc").read_bytes())
    out = []
    for key in sorted(files):
        path = Path(key)
        if path.suffix.lower() not in (".webp", ".jpg", ".jpeg", ".png"):
            continue
        if folders is None or path.parent.name in folders:
            out.append((path.parent.name, path.name, files[key]))
    return out


def _constant(data: bytes) -> bytes:
    return data


def new_user_library(cache: Path) -> Library:
    gcompris = package_root(cache, GCOMPRIS)
    mate = package_root(cache, MATE)
    rows = [("Travel", f"{folder}/{name}", data)
            for folder, name, data in _rcc_photos(gcompris, "explore_monuments")]
    rows += [("Zoo", name, data) for _, name, data in _rcc_photos(gcompris,
                                                                   "explore_world_animals")]
    rows += [("Nature", p.name, p.read_bytes()) for p in sorted((mate / MATE_NATURE).glob("*"))
             if p.suffix.lower() in (".jpg", ".png")]
    return cached_library("new-user", cache, [(n, partial(_constant, d)) for _, n, d in rows],
                          [label for label, _, _ in rows])


def school_library(cache: Path) -> Library:
    gcompris = package_root(cache, GCOMPRIS)
    rows = _rcc_photos(gcompris, "categorization",
                       ("fishes", "monuments", "tools", "renewable", "others"))
    return cached_library("school", cache,
                          [(f"{f}/{n}", partial(_constant, d)) for f, n, d in rows],
                          [f for f, _, _ in rows])


def demo_library(cache: Path) -> Library:
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        items = json.loads(z.read("catalog.json"))["items"]
        images = {it["image"]: z.read(it["image"]) for it in items}
    group_of = {c: g for g, members in GROUPS.items() for c in members}
    categories = [str(it["category"]) for it in items]
    return cached_library("demo", cache,
                          [(it["image"], partial(_constant, images[it["image"]]))
                           for it in items],
                          [group_of.get(c, c) for c in categories], categories)


def sample_library(cache: Path) -> Library:
    import cv2
    import skimage.data
    from sklearn.datasets import load_sample_images

    sources = {name: getattr(skimage.data, name)() for name in
               ("chelsea", "coffee", "astronaut", "rocket", "hubble_deep_field", "retina")}
    sources.update(zip(("china", "flower"), load_sample_images().images, strict=True))
    rng = np.random.default_rng(0)
    rows: list[tuple[str, str, bytes]] = []
    for label, img in sources.items():
        rgb = np.stack([img] * 3, axis=-1) if img.ndim == 2 else img[:, :, :3]
        h, w = rgb.shape[:2]
        for i in range(SAMPLE_CROPS):
            s = rng.uniform(0.5, 0.9)
            ch, cw = int(h * s), int(w * s)
            y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
            crop = rgb[y:y + ch, x:x + cw][:, ::-1] if i % 2 else rgb[y:y + ch, x:x + cw]
            ok, png = cv2.imencode(".png", cv2.cvtColor(np.ascontiguousarray(crop),
                                                        cv2.COLOR_RGB2BGR))
            assert ok
            rows.append((label, f"{label}-{i:02d}.png", png.tobytes()))
    return cached_library("samples", cache, [(n, partial(_constant, d)) for _, n, d in rows],
                          [label for label, _, _ in rows])


def folder_library(folder: Path) -> Library:
    from visrec_desktop.core.ingest.decode import read_bytes
    from visrec_desktop.core.ingest.formats import PHOTO_SUFFIXES

    files = sorted(p for p in folder.rglob("*")
                   if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
    vecs, tags, ok = embed([(p.name, partial(read_bytes, p, 1 << 30)) for p in files])
    labels = [p.relative_to(folder).parts[0] if len(p.relative_to(folder).parts) > 1 else "."
              for p in files]
    keep = np.flatnonzero(ok)
    return Library(folder.name, vecs[keep], [tags[i] for i in keep],
                   np.asarray(labels)[keep], [str(files[i].relative_to(folder)) for i in keep])


# --------------------------------------------------------------------------- figures


def covered(title_label: str) -> set[str]:
    """The taxonomy categories an interest's stored label names: itself, a pair's two, a
    group's members; none for Mixed or untagged photos."""
    base = re.sub(r" \(\d+\)$", "", title_label)
    if base in (MIXED, UNTAGGED):
        return set()
    if base in GROUPS:
        return set(GROUPS[base])
    return set(base.split(PAIR))


def purity(assignment: np.ndarray, labels: np.ndarray) -> float:
    hits = sum(Counter(labels[assignment == c].tolist()).most_common(1)[0][1]
               for c in np.unique(assignment))
    return hits / len(labels)


def _records(lib: Library, order: np.ndarray, when: np.ndarray) -> list[PhotoRecord]:
    return [PhotoRecord(int(j), lib.tags[j], float(t)) for j, t in zip(order, when, strict=True)]


def _rule(rule: str) -> dict[tuple[ModuleType, str], float]:
    """The taste settings of `rule`: "eigengap" switches off split_mixed, assign_by_subject
    and the rebuild rules that keep interests and their subjects (the profile as it was
    before them)."""
    if rule == "+ split":
        return {}
    return {(subjects, "SPLIT_APART"): float("inf"), (taste, "REBUILD_SAME_ABOVE"): float("inf"),
            (taste, "KEEP_SUBJECT_ABOVE"): float("inf"), (subjects, "SUBJECT_PULL"): 0.0}


def build(lib: Library, rule: str, rows: np.ndarray, when: np.ndarray,
          previous: TasteProfile | None = None) -> TasteProfile:
    """The profile of the photos `rows` (ids are library rows) under `rule`."""
    saved = {(module, name): getattr(module, name) for module, name in _rule(rule)}
    for (module, name), value in _rule(rule).items():
        setattr(module, name, value)
    try:
        return build_profile("bench", rows.astype(np.int64), lib.vecs[rows],
                             _records(lib, rows, when), now=NOW, previous=previous)
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)


def profile_of(lib: Library, rule: str, shuffle: int) -> tuple[TasteProfile, np.ndarray]:
    """The library's profile under `rule`, its photos in a random order and with random capture
    times over the last SPREAD_YEARS (as a person's files come: the weights, hence the
    interests, depend on the dates; the order no longer matters, see order_spread), and the
    order (profile row -> library row)."""
    rng = np.random.default_rng([shuffle, len(lib.vecs)])
    order = rng.permutation(len(lib.vecs))
    when = NOW - rng.uniform(0, SPREAD_YEARS * YEAR, len(order))
    return build(lib, rule, order, when), order


def rebuilds(lib: Library, rule: str, shuffles: int) -> tuple[float, float]:
    """Shares of rebuilds after 10 % new photos (each shuffle's library less every tenth photo,
    then all of it, given the first profile) that keep every interest (matched one to one by
    centroid, cosine >= 0.95, none added), and that also keep every name."""
    kept = named = 0
    for shuffle in range(shuffles):
        rng = np.random.default_rng([shuffle, len(lib.vecs)])
        order = rng.permutation(len(lib.vecs))
        when = NOW - rng.uniform(0, SPREAD_YEARS * YEAR, len(order))
        part = np.arange(len(order)) % 10 != 0
        before = build(lib, rule, order[part], when[part])
        after = build(lib, rule, order, when, previous=before)
        pairs = match(before.centroids(), after.centroids(), threshold=0.95)
        same = len(pairs) == len(before.interests) == len(after.interests)
        kept += same
        named += same and all(before.interests[i].title == after.interests[j].title
                              for i, j in pairs)
    return kept / shuffles, named / shuffles


def figures(lib: Library, profile: TasteProfile, order: np.ndarray) -> dict[str, float]:
    namer = bundled_namer()
    a = profile.assignment
    labels = lib.labels[order]
    names = [covered(it.label) for it in profile.interests]
    tags = [lib.tags[j] for j in order]
    top = [namer.categories[namer.category_of[t[0][0]]] if t and t[0][0] in namer.category_of
           else "" for t in tags]
    out = {"interests": float(len(profile.interests)), "purity": purity(a, labels),
           "completeness": purity(labels, a.astype(str)),
           "tag agreement": float(np.mean([top[i] in names[a[i]] for i in range(len(a))]))}
    if lib.categories is not None:
        cats = lib.categories[order]
        out["label agreement"] = float(np.mean([cats[i] in names[a[i]] for i in range(len(a))]))
    return out


def order_spread(lib: Library, shuffles: int) -> list[str]:
    """Cells of the order-invariance table: `shuffles` index orders of `lib` (the first its
    own), ids given in index order, capture dates fixed per photo."""
    n = len(lib.vecs)
    when = NOW - np.random.default_rng(n).uniform(0, SPREAD_YEARS * YEAR, n)
    ids = np.arange(1, n + 1, dtype=np.int64)
    parts, names, pur, comp = set(), set(), [], []
    for shuffle in range(shuffles):
        order = np.random.default_rng([shuffle, n, 1]).permutation(n) if shuffle else np.arange(n)
        records = [PhotoRecord(int(i), lib.tags[j], float(when[j]))
                   for i, j in zip(ids, order, strict=True)]
        profile = build_profile("bench", ids, lib.vecs[order], records, now=NOW)
        a = profile.assignment
        parts.add(frozenset(frozenset(order[a == c].tolist())
                            for c in range(len(profile.interests))))
        names.add(tuple(it.title for it in profile.interests))
        pur.append(purity(a, lib.labels[order]))
        comp.append(purity(lib.labels[order], a.astype(str)))
    return [lib.name, str(n), str(shuffles), str(len(parts)), str(len(names)),
            f"{min(pur):.3f}-{max(pur):.3f}", f"{min(comp):.3f}-{max(comp):.3f}"]


def describe(lib: Library, profile: TasteProfile, order: np.ndarray) -> list[str]:
    lines = []
    for c, it in enumerate(profile.interests):
        members = order[profile.assignment == c]
        mix = ", ".join(f"{k} {v}" for k, v in Counter(lib.labels[members].tolist()
                                                        ).most_common())
        lines.append(f"    {it.title} ({it.count}): {mix}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.taste_purity",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--folder", type=Path, action="append", default=[],
                    help="a folder of photos, labelled by first-level subfolder")
    ap.add_argument("--only-folders", action="store_true",
                    help="measure only the --folder libraries")
    ap.add_argument("--verbose", action="store_true", help="list each interest's labels")
    ap.add_argument("--shuffles", type=int, default=SHUFFLES,
                    help="random photo orders and dates per library (figures are their means)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args(argv)
    libs = [] if args.only_folders else [
        new_user_library(args.cache), school_library(args.cache), demo_library(args.cache),
        sample_library(args.cache)]
    libs += [folder_library(f) for f in args.folder]
    header = ("library", "photos", "rule", "interests", "purity", "completeness",
              "tag agreement", "label agreement", "rebuilds keep interests", "... and names")
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    details = []
    for lib in libs:
        for rule in RULES:
            runs = [profile_of(lib, rule, i) for i in range(args.shuffles)]
            f = [figures(lib, p, order) for p, order in runs]
            cells = [lib.name, str(len(lib.vecs)), rule,
                     "-".join(sorted({str(int(x["interests"])) for x in f}, key=int))]
            cells += [f"{np.mean([x[m] for x in f]):.3f}" if m in f[0] else "-"
                      for m in header[4:8]]
            cells += [f"{x:.2f}" for x in rebuilds(lib, rule, args.shuffles)]
            print("| " + " | ".join(cells) + " |", flush=True)
            details += [f"  {lib.name}, {rule} (order 0):", *describe(lib, *runs[0])]
    print()
    header = ("library", "photos", "orders", "distinct partitions", "distinct names",
              "purity", "completeness")
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for lib in libs:
        print("| " + " | ".join(order_spread(lib, args.shuffles)) + " |", flush=True)
    if args.verbose:
        print("\n".join(details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
