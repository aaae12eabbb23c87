"""The taste profile on real photo embeddings: interests found from the data, weighted by recency
and favourites, labelled from tags, with representatives; deterministic; empty when there are no
photos."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import pytest
from helpers_embed import CHELSEA, COFFEE, FLOWER, ROCKET, shots
from helpers_store import CAT_LABELS

from visrec_desktop.core.recommend.clusters import eigengaps
from visrec_desktop.core.recommend.identity import match
from visrec_desktop.core.recommend.naming import MIXED, MIXED_BELOW, bundled_namer
from visrec_desktop.core.recommend.subjects import (
    SPLIT_MIN_PHOTOS,
    SUBJECT_PULL,
    assign_by_subject,
    category_votes,
    split_mixed,
)
from visrec_desktop.core.recommend.taste import (
    FAVOURITE_BOOST,
    HALF_LIFE_YEARS,
    RECENCY_FLOOR,
    PhotoRecord,
    TasteProfile,
    build_profile,
    describe,
    photo_weights,
)

MODEL = "test-model"
NOW = 1_900_000_000.0  # a fixed "now" so recency is reproducible
YEAR = 365.25 * 86400
PER_GROUP = 12


def library(groups: Sequence[int], n: int = PER_GROUP, ages_years: Sequence[float] | None = None,
            favourite: Sequence[bool] | None = None
            ) -> tuple[np.ndarray, np.ndarray, list[PhotoRecord], np.ndarray]:
    """Photo ids, embeddings, records (real tags) and source group of `n` shots of each source
    photo in `groups`; group g's photos are `ages_years[g]` old and favourites if `favourite[g]`."""
    vecs: list[np.ndarray] = []
    records: list[PhotoRecord] = []
    group: list[int] = []
    for g, source in enumerate(groups):
        v, tags = shots(source, n)
        vecs.append(v)
        age = 0.0 if ages_years is None else ages_years[g]
        fav = False if favourite is None else favourite[g]
        for t in tags:
            pid = 100 + len(records) * 7  # ids that are not row numbers
            records.append(PhotoRecord(pid, list(t), NOW - age * YEAR, fav))
            group.append(g)
    ids = np.array([r.photo_id for r in records], np.int64)
    return ids, np.concatenate(vecs), records, np.array(group)


@cache
def profile_of(groups: tuple[int, ...], n: int = PER_GROUP,
               ages_years: tuple[float, ...] | None = None,
               favourite: tuple[bool, ...] | None = None) -> tuple[TasteProfile, np.ndarray]:
    """The profile of `library(...)` (cached: several tests look at the same one; none
    modifies it) and each photo's source group."""
    ids, vecs, records, group = library(groups, n, ages_years, favourite)
    return build_profile(MODEL, ids, vecs, records, now=NOW), group


def interest_groups(profile: TasteProfile, group: np.ndarray) -> list[set[int]]:
    """For each interest, the set of source groups its member photos come from."""
    return [set(group[profile.assignment == i].tolist()) for i in range(len(profile.interests))]


# -- interests from the data -----------------------------------------------------------------

def test_two_themes_give_separate_interests() -> None:
    """Cat shots and espresso shots form (at least) two interests and no interest mixes them."""
    profile, group = profile_of((CHELSEA, COFFEE))
    assert len(profile.interests) >= 2
    members = interest_groups(profile, group)
    assert all(len(m) == 1 for m in members), members
    assert set().union(*members) == {0, 1}
    assert sum(i.count for i in profile.interests) == 2 * PER_GROUP


@pytest.mark.parametrize("groups", [(CHELSEA, COFFEE), (CHELSEA, COFFEE, ROCKET),
                                    (CHELSEA, COFFEE, ROCKET, FLOWER)])
def test_number_of_interests_follows_the_data(groups: tuple[int, ...]) -> None:
    """k is chosen from the data, not fixed: 2, 3 and 4 distinct scenes give 2, 3 and 4
    interests, one per scene."""
    profile, group = profile_of(groups)
    assert len(profile.interests) == len(groups)
    assert sorted(min(m) for m in interest_groups(profile, group)) == list(range(len(groups)))
    assert all(i.count == PER_GROUP for i in profile.interests)


def test_single_theme_library_is_one_interest() -> None:
    """A library with no distinct themes is one interest (taste.py's own promise): 24 shots of
    the same cat, crops of 85-97% of the frame at varying exposure. Their embeddings are nearly
    identical (mean pairwise cosine > 0.9), far tighter than two different scenes (< 0.35)."""
    vecs, tags = shots(CHELSEA, 24, seed=5, lo=0.85, hi=0.97, exposure=0.15)
    other, _ = shots(COFFEE, PER_GROUP)
    assert float((vecs @ vecs.T).mean()) > 0.9
    assert float((vecs @ other.T).mean()) < 0.35
    ids = np.arange(24, dtype=np.int64)
    records = [PhotoRecord(i, list(t), NOW) for i, t in enumerate(tags)]
    profile = build_profile(MODEL, ids, vecs, records, now=NOW)
    centroids = profile.centroids()
    found = len(profile.interests)
    assert found == 1, (f"{found} interests for one scene; centroid cosines "
                        f"{np.round(centroids @ centroids.T, 3).tolist()}")


def test_a_few_stray_photos_do_not_make_interests() -> None:
    """Two themes plus one stray shot each of two other scenes (10 % of the library) are two
    interests: the eigengap of the neighbourhood graph counts the groups, and a lone photo is
    no group (a silhouette maximum over k >= 2 rewards splitting the strays off)."""
    ids, vecs, records, group = library([CHELSEA, COFFEE], n=PER_GROUP + 6)
    stray_vecs = np.concatenate([shots(ROCKET, 2, seed=7)[0], shots(FLOWER, 2, seed=7)[0]])
    stray_ids = np.arange(90_000, 90_000 + len(stray_vecs), dtype=np.int64)
    profile = build_profile(
        MODEL, np.concatenate([ids, stray_ids]), np.concatenate([vecs, stray_vecs]),
        [*records, *(PhotoRecord(int(i), [], NOW) for i in stray_ids)], now=NOW)
    assert len(profile.interests) == 2
    main = profile.assignment[: len(ids)]
    assert all(len(set(main[group == g].tolist())) == 1 for g in (0, 1))
    assert main[group == 0][0] != main[group == 1][0]


def test_eigengaps_count_separate_groups() -> None:
    """eigengaps(): three scenes' shots give the largest gap after the third eigenvalue."""
    _, vecs, _, _ = library([CHELSEA, COFFEE, ROCKET])
    gaps = eigengaps(vecs - vecs.mean(axis=0), 8)
    assert gaps.shape == (8,)
    assert int(np.argmax(gaps)) + 1 == 3


def test_weights_sum_to_one_and_order_is_strongest_first() -> None:
    profile, _ = profile_of((CHELSEA, COFFEE, ROCKET))
    w = profile.weights()
    assert float(w.sum()) == pytest.approx(1.0, abs=1e-6)
    assert list(w) == sorted(w, reverse=True)
    for it in profile.interests:
        assert float(np.linalg.norm(it.centroid)) == pytest.approx(1.0, abs=1e-5)


def test_names_come_from_the_interest_taxonomy() -> None:
    """Each interest is named after the taxonomy category its photos' tags vote for most, with
    its most typical subject: a cat for chelsea, espresso for coffee; never a list of classes."""
    _, _, records, _ = library([CHELSEA, COFFEE])
    profile, group = profile_of((CHELSEA, COFFEE))
    categories = set(bundled_namer().categories)
    for i, it in enumerate(profile.interests):
        rows = np.flatnonzero(profile.assignment == i)
        expected = bundled_namer().name([records[r].tags for r in rows])
        assert (it.label, it.subject) == (expected.name, expected.subject)
        assert it.label in categories and "," not in it.title
        if group[rows[0]] == 0:
            assert it.label == "Cats & wild cats" and it.subject in CAT_LABELS, it.title
        else:
            assert it.title == "Drinks · espresso", it.title
        assert it.phrase == it.label.lower()


def test_a_rocket_launch_is_named_a_spacecraft_not_a_weapon() -> None:
    """skimage's rocket photo: the model says 'missile' and 'projectile', which WordNet files
    under weapons; the interest is named after what the photos show, in plain words."""
    _, tags = shots(ROCKET, PER_GROUP)
    name = bundled_namer().name(tags)
    assert (name.name, name.subject) == ("Aircraft & spacecraft", "rocket")


def test_an_interest_whose_tags_disagree_is_mixed() -> None:
    """When no category gets MIXED_BELOW of the tag votes and no group of categories holds
    most of them, the interest is 'Mixed' and its subject names the two leading categories in
    plain words; six kinds of animal are 'Animals', with the same subject."""
    namer = bundled_namer()
    labels = [label for label, _ in sorted(namer.category_of.items())]
    by_cat: dict[int, str] = {}
    for label in labels:
        by_cat.setdefault(namer.category_of[label], label)
    spread = [[(by_cat[c], 0.5)] for c in sorted(by_cat)[::8][:6]]  # dogs, sea life, ...
    name = namer.name(spread)
    assert name.name == MIXED and name.share < MIXED_BELOW
    assert name.subject.startswith("mostly ") and " and " in name.subject
    animals = namer.name([[(by_cat[c], 0.5)] for c in sorted(by_cat)[:6]])
    assert animals.name == "Animals" and animals.subject.startswith("mostly ")


def test_name_without_tags_is_photos() -> None:
    ids, vecs, records, _ = library([CHELSEA, COFFEE])
    bare = [PhotoRecord(r.photo_id, [], r.timestamp) for r in records]
    profile = build_profile(MODEL, ids, vecs, bare, now=NOW)
    titles = [it.title for it in profile.interests]
    assert titles == ["Photos", "Photos (2)"], titles


def test_two_interests_never_read_the_same() -> None:
    """Two interests of one category and subject get numbered titles."""
    ids, vecs, records, _ = library([CHELSEA, COFFEE])
    same = [PhotoRecord(r.photo_id, [("espresso", 0.9)], r.timestamp) for r in records]
    profile = build_profile(MODEL, ids, vecs, same, now=NOW)
    titles = [it.title for it in profile.interests]
    assert len(titles) == 2 and len(set(titles)) == 2, titles
    assert titles[0] == "Drinks · espresso" and titles[1].startswith("Drinks · espresso")


def test_representatives_belong_to_their_interest() -> None:
    """Representatives are member photos of their own interest, most typical (closest to the
    centroid) first, and they are the most typical members."""
    ids, vecs, _, _ = library([CHELSEA, COFFEE, ROCKET])
    profile, _ = profile_of((CHELSEA, COFFEE, ROCKET))
    row_of = {int(pid): r for r, pid in enumerate(ids)}
    for i, it in enumerate(profile.interests):
        assert 1 <= len(it.representatives) <= 6
        rows = [row_of[p] for p in it.representatives]
        assert all(profile.assignment[r] == i for r in rows)
        unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
        sims = unit[rows] @ it.centroid
        assert list(sims) == sorted(sims, reverse=True)
        members = np.flatnonzero(profile.assignment == i)
        others = sorted(set(members.tolist()) - set(rows))
        if others:
            assert float(sims.min()) >= float((unit[others] @ it.centroid).max()) - 1e-6


# -- recency and favourites ------------------------------------------------------------------

def test_photo_weights_recency_and_favourite() -> None:
    """Weight halves every HALF_LIFE_YEARS of age, never drops below RECENCY_FLOOR, is 1 for an
    unknown or future time, and a favourite counts FAVOURITE_BOOST times."""
    ages = [0.0, HALF_LIFE_YEARS / 2, HALF_LIFE_YEARS, 1.9 * HALF_LIFE_YEARS, 30.0]
    recs = [PhotoRecord(i, [], NOW - a * YEAR) for i, a in enumerate(ages)]
    recs += [PhotoRecord(10, [], None), PhotoRecord(11, [], NOW + 5 * YEAR),
             PhotoRecord(12, [], NOW - HALF_LIFE_YEARS * YEAR, favourite=True),
             PhotoRecord(13, [], NOW - 30 * YEAR, favourite=True)]
    w = photo_weights(recs, now=NOW)
    expected = [1.0, 0.5 ** 0.5, 0.5, 0.5 ** 1.9, RECENCY_FLOOR, 1.0, 1.0,
                0.5 * FAVOURITE_BOOST, RECENCY_FLOOR * FAVOURITE_BOOST]
    np.testing.assert_allclose(w, expected, rtol=1e-9)
    assert all(np.diff(w[:5]) < 0)  # older is lighter ...
    assert RECENCY_FLOOR < 0.5 ** 1.9 and w[4] == RECENCY_FLOOR  # ... down to the floor


def test_old_photos_weigh_less_in_interests() -> None:
    """With the cat photos 9 years old (floored to RECENCY_FLOOR) and the espresso photos new,
    the interest weights are 12*floor : 12*1, and the espresso interest comes first."""
    profile, group = profile_of((CHELSEA, COFFEE), ages_years=(9.0, 0.0))
    assert len(profile.interests) == 2
    by_group = {min(m): it for m, it in zip(interest_groups(profile, group),
                                             profile.interests, strict=True)}
    expect_old = RECENCY_FLOOR / (RECENCY_FLOOR + 1.0)
    assert by_group[0].weight == pytest.approx(expect_old, abs=1e-6)
    assert by_group[1].weight == pytest.approx(1 - expect_old, abs=1e-6)
    assert min(interest_groups(profile, group)[0]) == 1
    # Control: equal ages give equal weights.
    same, _ = profile_of((CHELSEA, COFFEE), ages_years=(3.0, 3.0))
    assert [it.weight for it in same.interests] == pytest.approx([0.5, 0.5], abs=1e-6)


def test_favourites_weigh_more_in_interests() -> None:
    """Favouriting the cat photos makes their interest FAVOURITE_BOOST times as heavy and moves
    it first."""
    plain, group = profile_of((CHELSEA, COFFEE), favourite=(False, True))
    assert min(interest_groups(plain, group)[0]) == 1
    fav, group = profile_of((CHELSEA, COFFEE), favourite=(True, False))
    share = FAVOURITE_BOOST / (FAVOURITE_BOOST + 1)
    assert min(interest_groups(fav, group)[0]) == 0
    assert fav.interests[0].weight == pytest.approx(share, abs=1e-6)
    assert fav.interests[1].weight == pytest.approx(1 - share, abs=1e-6)


# -- determinism and edge cases --------------------------------------------------------------

def test_same_input_gives_identical_profile() -> None:
    ids, vecs, records, _ = library([CHELSEA, COFFEE, ROCKET])
    a, _ = profile_of((CHELSEA, COFFEE, ROCKET))
    b = build_profile(MODEL, ids.copy(), vecs.copy(), list(records), now=NOW)
    assert a.centroids().tobytes() == b.centroids().tobytes()
    assert a.weights().tobytes() == b.weights().tobytes()
    assert np.array_equal(a.assignment, b.assignment)
    assert np.array_equal(a.photo_ids, b.photo_ids)
    assert describe(a) == describe(b)


def test_empty_library_gives_empty_profile() -> None:
    profile = build_profile(MODEL, np.zeros(0, np.int64), np.zeros((0, 1280), np.float32), [],
                            now=NOW)
    assert profile.empty and profile.interests == []
    assert len(profile.photo_ids) == 0 and len(profile.assignment) == 0
    assert describe(profile) == []


def test_few_photos_are_one_interest() -> None:
    """Fewer photos than two interests need (2 x MIN_PHOTOS_PER_INTEREST) make one interest,
    even from two different scenes."""
    ids, vecs, records, _ = library([CHELSEA, COFFEE], n=3)
    profile = build_profile(MODEL, ids, vecs, records, now=NOW)
    assert len(profile.interests) == 1
    assert profile.interests[0].count == 6
    assert profile.interests[0].weight == pytest.approx(1.0)


def test_a_rebuild_after_ten_percent_new_photos_keeps_the_interests() -> None:
    """Adding 10 % new shots (never seen, of the same scenes) and rebuilding from the previous
    profile keeps every interest: same number, each matched one to one to its old self by
    centroid (cosine >= 0.95) with the same name."""
    ids, vecs, records, _ = library([CHELSEA, COFFEE, ROCKET])
    before = build_profile(MODEL, ids, vecs, records, now=NOW)
    more_vecs, more_tags = [], []
    for source in (CHELSEA, COFFEE, ROCKET, CHELSEA):
        v, tags = shots(source, 1, seed=11 + source)
        more_vecs.append(v)
        more_tags += list(tags)
    new_ids = np.arange(10_000, 10_000 + len(more_tags), dtype=np.int64)
    after = build_profile(
        MODEL, np.concatenate([ids, new_ids]), np.concatenate([vecs, *more_vecs]),
        [*records, *(PhotoRecord(int(i), list(t), NOW) for i, t in zip(new_ids, more_tags,
                                                                        strict=True))],
        now=NOW, previous=before)
    assert len(after.interests) == len(before.interests) == 3
    pairs = match(before.centroids(), after.centroids(), threshold=0.95)
    assert len(pairs) == 3
    for i, j in pairs:
        assert before.interests[i].title == after.interests[j].title


def test_merges_join_two_interests() -> None:
    """A merge (two centroids) joins the interests they match into one holding both groups'
    photos, and it is inert when one side matches nothing."""
    ids, vecs, records, _ = library([CHELSEA, COFFEE, ROCKET])
    before = build_profile(MODEL, ids, vecs, records, now=NOW)
    a, b = before.centroids()[1], before.centroids()[2]
    merged = build_profile(MODEL, ids, vecs, records, now=NOW, merges=[(a, b)])
    assert len(merged.interests) == 2
    assert sorted(it.count for it in merged.interests) == sorted(
        [before.interests[0].count, before.interests[1].count + before.interests[2].count])
    far = -a  # matches no interest
    inert = build_profile(MODEL, ids, vecs, records, now=NOW, merges=[(far, b)])
    assert len(inert.interests) == 3


# -- interests split by what their photos are about --------------------------------------------

def one_cluster(groups: Sequence[int], sizes: Sequence[int], tagged: bool = True
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`sizes[g]` shots of each source in `groups` as one cluster: embeddings (n, d), subject
    votes from their real tags (zero rows when not `tagged`), and each shot's source group."""
    vecs, votes, group = [], [], []
    for g, (source, n) in enumerate(zip(groups, sizes, strict=True)):
        v, tags = shots(source, n, seed=3)
        vecs.append(v)
        records = [PhotoRecord(i, list(t) if tagged else [], NOW) for i, t in enumerate(tags)]
        votes.append(category_votes(records, bundled_namer()))
        group += [g] * n
    return np.concatenate(vecs), np.concatenate(votes), np.array(group)


def test_a_cluster_of_two_subjects_is_split_by_them() -> None:
    """Cat shots and espresso shots in one cluster (their tags: animals, food & drink) are
    split into two clusters, one per subject."""
    vecs, votes, group = one_cluster((CHELSEA, COFFEE), (12, 10))
    out = split_mixed(vecs, np.ones(len(vecs)), np.zeros(len(vecs), np.int64), votes)
    assert sorted(set(out.tolist())) == [0, 1]
    for g in (0, 1):
        assert len(set(out[group == g].tolist())) == 1
    assert out[group == 0][0] != out[group == 1][0]


@pytest.mark.parametrize("case", ["one subject", "no tags", "a handful"])
def test_a_cluster_is_not_split_without_two_subjects_of_several_photos(case: str) -> None:
    """A cluster stays whole when its photos are about one subject (24 cat shots, some close
    and some wide), when they have no tags (the simulated users of bench/eval_recs.py), or
    when the other subject has fewer than SPLIT_MIN_PHOTOS photos (20 cats, 5 coffees: a
    handful whose tags differ is no interest of its own)."""
    if case == "one subject":
        close, close_votes, _ = one_cluster((CHELSEA,), (12,))
        wide = shots(CHELSEA, 12, seed=9, lo=0.3, hi=0.6)
        vecs = np.concatenate([close, wide[0]])
        votes = np.concatenate([close_votes, category_votes(
            [PhotoRecord(i, list(t), NOW) for i, t in enumerate(wide[1])], bundled_namer())])
    else:
        sizes = (12, 10) if case == "no tags" else (20, SPLIT_MIN_PHOTOS - 3)
        vecs, votes, _ = one_cluster((CHELSEA, COFFEE), sizes, tagged=case != "no tags")
    out = split_mixed(vecs, np.ones(len(vecs)), np.zeros(len(vecs), np.int64), votes)
    assert set(out.tolist()) == {0}


def test_a_rebuild_keeps_the_subject_of_an_interest_under_the_same_category() -> None:
    """Rebuilt from a profile whose interests are the same ones (centroid cosine >= 0.95),
    each interest under the same category keeps its previous subject, though another tag
    now leads by a little (here the previous subjects are set to other words of the same
    photos); one whose category changed takes its new name."""
    ids, vecs, records, _ = library([CHELSEA, COFFEE, ROCKET])
    fresh = build_profile(MODEL, ids, vecs, records, now=NOW)
    before = build_profile(MODEL, ids, vecs, records, now=NOW)
    for it in before.interests:
        it.subject = f"{it.tags[1][0]} (2)"  # numbered as a repeated title is: kept unnumbered
    before.interests[-1].label = "Toys & games"
    after = build_profile(MODEL, ids, vecs, records, now=NOW, previous=before)
    pairs = dict(match(before.centroids(), after.centroids(), threshold=0.95))
    assert len(pairs) == 3
    for i, j in pairs.items():
        if i == len(before.interests) - 1:
            assert after.interests[j].subject == fresh.interests[i].subject
            assert after.interests[j].label == fresh.interests[i].label
        else:
            assert after.interests[j].subject == before.interests[i].tags[1][0]
            assert after.interests[j].subject != fresh.interests[i].subject


@pytest.mark.parametrize("tagged_as", [None, 0, 1])
def test_a_near_tie_goes_to_the_interest_whose_subject_the_photo_shares(
        tagged_as: int | None) -> None:
    """A rocket shot is about as near (by cosine) to a cats interest as to an espresso one (30
    shots each): tagged like the cats it joins the cats, like the espresso the espresso, and
    without tags the nearer by cosine; the other photos stay where they are."""
    vecs, votes, group = one_cluster((CHELSEA, COFFEE), (30, 30))
    rocket = shots(ROCKET, 1, seed=4)[0]
    centres = np.stack([vecs[group == g].mean(axis=0) for g in (0, 1)])
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    near = rocket[0] @ centres.T
    assert abs(near[0] - near[1]) < SUBJECT_PULL / 2, near  # a near tie, as the rule is for
    extra = np.zeros((1, votes.shape[1])) if tagged_as is None else votes[group == tagged_as][:1]
    out = assign_by_subject(np.concatenate([vecs, rocket]), np.ones(len(vecs) + 1),
                            np.concatenate([group, [int(np.argmax(near))]]),
                            np.concatenate([votes, extra]))
    assert np.array_equal(out[:-1], group)
    assert out[-1] == (int(np.argmax(near)) if tagged_as is None else tagged_as)
