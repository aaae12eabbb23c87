"""Interests of a varied library of real photographs: the demo catalog's 171 photos
(resources/demo_catalog.zip: buildings, landscapes, plants, animals of nine kinds and a few
objects; embeddings.npy rows in catalog.json's item order) taken as a person's library.

Simulated users (bench/eval_recs.py) are Fashion-MNIST classes; these are real, varied scenes,
where the number of interests must not join unrelated subjects. The figures of comparison are
those of the silhouette rule that the eigengap rule replaced (taste.py before commit 0e3c261),
which a person accepted: four interests, coarse NMI 0.538, the animals one interest 72 % animal.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from functools import cache

import numpy as np
from sklearn.metrics import normalized_mutual_info_score

from visrec_desktop.core.config import resource_path
from visrec_desktop.core.recommend.taste import PhotoRecord, TasteProfile, build_profile

NOW = 1_900_000_000.0
ANIMALS = {"Hoofed animals & livestock", "Birds", "Other mammals",
           "Insects, spiders & other bugs", "Reptiles & amphibians", "Monkeys & apes",
           "Cats & wild cats", "Sea life & shellfish", "Dogs"}
OLD_RULE_NMI = 0.538  # the silhouette rule's profile of this library, same measure


@cache
def demo_profile() -> tuple[TasteProfile, np.ndarray]:
    """The profile of the 171 photos (weights 1: no dates, no favourites) and each photo's
    coarse subject: its catalog category, with the nine animal categories as one."""
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        items = json.loads(z.read("catalog.json"))["items"]
        vecs = np.load(io.BytesIO(z.read("embeddings.npy"))).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    coarse = np.array(["animals" if i["category"] in ANIMALS else str(i["category"])
                       for i in items])
    ids = np.arange(len(vecs), dtype=np.int64)
    records = [PhotoRecord(int(i), [], NOW) for i in ids]
    return build_profile("test-model", ids, vecs, records, now=NOW), coarse


def composition(profile: TasteProfile, coarse: np.ndarray) -> list[Counter[str]]:
    return [Counter(coarse[profile.assignment == i].tolist())
            for i in range(len(profile.interests))]


def test_varied_photos_interests_follow_their_subjects() -> None:
    """The interests agree with the photos' coarse subjects at least as well as the earlier
    rule's did (normalised mutual information of the assignment and the coarse subjects)."""
    profile, coarse = demo_profile()
    score = normalized_mutual_info_score(coarse, profile.assignment)
    assert score >= OLD_RULE_NMI, (
        f"coarse NMI {score:.3f} < {OLD_RULE_NMI}; interests: "
        f"{[dict(c.most_common(3)) for c in composition(profile, coarse)]}")


def test_animals_are_an_interest_of_their_own() -> None:
    """Most animal photos (of 64) share one interest that is at least two-thirds animals, and
    no interest is a quarter or more both animals and buildings: animals are not swallowed
    into a catch-all with the plants, landscapes or buildings."""
    profile, coarse = demo_profile()
    comps = composition(profile, coarse)
    n_animals = int((coarse == "animals").sum())
    assert any(c["animals"] >= n_animals / 2 and c["animals"] >= 2 / 3 * c.total()
               for c in comps), [dict(c.most_common(3)) for c in comps]
    for c in comps:
        assert not (c["animals"] >= c.total() / 4
                    and c["Buildings & architecture"] >= c.total() / 4), dict(c)
