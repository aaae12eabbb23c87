"""An earlier commit's ranker, to put through bench/eval_recs.py's feedback rounds beside today's.

Issue 13 asked to keep the feedback results "at least as good as now". Its "now" is the ranker
at ISSUE_COMMIT, whose own benchmark (1 to 3 interests, a 10,000-item catalog) said "feedback
raises NDCG@10 from 0.900 to 0.966". `python -m bench.eval_recs` runs that ranker through the
same rounds, users and catalog as today's (`--reference COMMIT` picks another commit).

The earlier package is read from git (`git archive`: a clone with its history is needed) into a
temporary folder under another name, `visrec_reference`, and imported from there while the
evaluation runs; nothing of it is installed or kept.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from bench.eval_recs import Context, User

ISSUE_COMMIT = "5869a2a~1"  # the last commit before issue 13's work began
REFERENCE = "visrec_reference"
Reference = tuple[Callable[["User"], Any], Callable[..., list[int]]]


def extract(commit: str, into: Path) -> None:
    """`commit`'s visrec_desktop package as `into`/visrec_reference, its imports renamed.
    Raises subprocess.CalledProcessError when git cannot read the commit."""
    repo = Path(__file__).resolve().parent.parent
    blob = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit,
                           "visrec_desktop"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    package = into / REFERENCE
    (into / "visrec_desktop").rename(package)
    for path in package.rglob("*.py"):
        path.write_text(re.sub(r"\bvisrec_desktop\b", REFERENCE, path.read_text()))


@contextmanager
def extracted(commit: str) -> Iterator[None]:
    """`commit`'s package importable as visrec_reference while the block runs."""
    with tempfile.TemporaryDirectory(prefix="visrec-reference-") as tmp:
        extract(commit, Path(tmp))
        sys.path.insert(0, tmp)
        try:
            yield
        finally:
            sys.path.remove(tmp)
            for name in [m for m in sys.modules if m.split(".")[0] == REFERENCE]:
                del sys.modules[name]


def reference_ranker(ctx: Context) -> Reference:
    """The extracted ranker (inside `extracted`) for `ctx`'s catalog: its profile builder for
    a user, and its rank function with eval_recs.rank_rows's arguments (it builds its own
    catalog index of the same items and embeddings)."""
    from bench.eval_recs import CATALOG_ID

    rank = importlib.import_module(f"{REFERENCE}.core.recommend.rank")
    taste = importlib.import_module(f"{REFERENCE}.core.recommend.taste")
    index_module = importlib.import_module(f"{REFERENCE}.core.recommend.catalog_index")
    items = [{"id": ctx.index.item_ids[i], "title": f"item {i}",
              "category": str(ctx.cat_labels[i]), "price": 10.0, "currency": "EUR"}
             for i in range(len(ctx.index))]
    index = index_module.build_index(CATALOG_ID, items, ctx.cat_vecs.astype(np.float16),
                                     np.ones(len(items), bool))

    def profile_for(user: User) -> Any:
        records = [taste.PhotoRecord(int(p), [], None) for p in user.photos]
        return taste.build_profile(ctx.model_id, user.photos.astype(np.int64),
                                   ctx.photo_vecs[user.photos], records)

    def ranked(_ctx: Context, profile: Any, _user: User,
               feedback: dict[tuple[str, str], str], top: int,
               diversity: float = 0.0) -> list[int]:
        recs = rank.Ranker(profile, feedback, [index]).rank(
            rank.RankRequest(top=top, diversity=diversity))
        return [r.row for r in recs]

    return profile_for, ranked
