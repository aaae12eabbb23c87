"""What one profile shows of the ranked catalogs (`Library.explain`, `Library.browse`): an
item explained by the person's own photos and likes, and one screen of browsing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from visrec_desktop.core.catalog import install as catalog_store
from visrec_desktop.core.library.profile import ProfileBuilder
from visrec_desktop.core.progress import Progress
from visrec_desktop.core.recommend import browse as browsing
from visrec_desktop.core.recommend.explain import Explanation, explain
from visrec_desktop.core.recommend.feedback import LIKE
from visrec_desktop.core.recommend.rank import RankRequest, Recommendation
from visrec_desktop.core.recommend.text import human_order

if TYPE_CHECKING:
    from visrec_desktop.core.library.facade import Library


@dataclass
class ExplainedItem:
    rec: Recommendation
    explanation: Explanation
    photo_paths: list[tuple[Path, float]]  # the user's most similar photos, with cosine
    image: Path  # the item's image file inside the installed catalog
    description: str | None
    url: str | None


class Recommendations:
    """Explanations and browsing over `library`'s ranked catalogs and its `profiles`."""

    def __init__(self, library: Library, profiles: ProfileBuilder) -> None:
        self._library, self._profiles = library, profiles

    def explain(self, rec: Recommendation, k: int = 3) -> ExplainedItem:
        lib = self._library
        index = lib.index(rec.catalog_id)
        vector = index.full(np.array([rec.row]))[0]
        ids, vecs = self._profiles.profile_photos()  # the photos the ranker scored it by
        why = explain(rec, vector, lib.profile(), ids, vecs, k, self.liked_items())
        paths = lib.store.photo_paths([pid for pid, _ in why.photos])
        photo_paths = [(paths[pid][0], score) for pid, score in why.photos if paths.get(pid)]
        item = lib.item(rec.catalog_id, rec.row)
        description = item.get("description")
        if description and any(info.demo and info.id == rec.catalog_id
                               for info in lib.catalogs()):
            description = catalog_store.demo_description(str(description))
        return ExplainedItem(rec, why, photo_paths, lib.item_image(rec.catalog_id, rec.row),
                             description, item.get("url"))

    def liked_items(self) -> list[tuple[str, np.ndarray]]:
        """(title, embedding) of each liked item of the ranked catalogs: the ranker compares
        items with them as with the photos (explain names one when it is the nearest)."""
        lib = self._library
        out = []
        ranked = {info.id for info in lib.ranked_catalogs()}
        for (cid, iid), state in sorted(lib.feedback().items()):
            if state != LIKE or cid not in ranked:
                continue
            index = lib.index(cid)
            row = index.row(iid)
            if row is not None and index.usable[row]:
                out.append((index.titles[row], index.full(np.array([row]))[0]))
        return out

    def browse(self, request: browsing.BrowseRequest, progress: Progress | None = None,
               latest_profile: bool = False) -> browsing.BrowseResult:
        lib = self._library
        infos = {info.id: info for info in lib.catalogs()}
        profile, current = self._profiles.latest() if latest_profile else (lib.profile(), True)
        recs: list[Recommendation] = []
        if request.problem() is None:
            recs = lib.recommend(RankRequest(
                top=request.top, category=request.category, min_price=request.min_price,
                max_price=request.max_price, diversity=request.diversity, query=request.query),
                profile)
        if progress is not None:
            progress.checkpoint()
        created = {cid: info.created_at for cid, info in infos.items()}
        recs = browsing.sort_items(recs, request.sort, created)
        shown = {rec.catalog_id for rec in recs} or {info.id for info in lib.ranked_catalogs()}
        demo = human_order(infos[c].name for c in shown if c in infos and infos[c].demo)
        return browsing.BrowseResult(
            recs, [lib.item_image(rec.catalog_id, rec.row) for rec in recs],
            lib.category_counts(), demo, profile.empty,
            sum(1 for info in infos.values() if info.model == lib.model_id),
            len(profile.photo_ids) if profile.thin and not profile.empty else None, not current)
