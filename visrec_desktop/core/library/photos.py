"""Reading the photo index of one library: its status, and the indexed photos most like a
photo file."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from visrec_desktop.core.config import Settings
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.ingest.decode import read_bytes
from visrec_desktop.core.ingest.pipeline import MAX_FILE_BYTES, embed_file
from visrec_desktop.core.ingest.preprocess import Enhancements, embedding_space
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.records import Skipped, Summary
from visrec_desktop.i18n import gettext


@dataclass(frozen=True)
class Quarantined:
    table: str
    column: str
    record: str  # the first hex digits of the record's blind key
    detected_at: int  # unix time


@dataclass(frozen=True)
class LibraryStatus:
    """What is indexed and what was skipped; reading it builds no model session."""

    data_dir: Path
    model: str
    provider: str  # running, or, before the first embedding, the one that will be tried first
    folders: list[Path]
    summary: Summary
    scan_exclude_patterns: list[str]
    skipped: list[Skipped]
    quarantined: list[Quarantined]


def enhancements(settings: Settings) -> Enhancements:
    return Enhancements(denoise=settings.denoise, enhance=settings.enhance)  # type: ignore[arg-type]


def similar(store: Store, embedder: Embedder, settings: Settings, photo: Path, k: int
            ) -> list[tuple[Path | None, float]]:
    """The k indexed photos most like `photo` (cosine of embeddings), best first, the photo
    itself left out (also under another name). Embeds the file only when it is not indexed.
    Raises VisrecError on an empty index, ImageError or OSError for an unreadable file."""
    steps = enhancements(settings)
    ids, matrix = store.embeddings(embedding_space(embedder.spec.model_id, steps))
    if len(ids) == 0:
        raise VisrecError(gettext("The index is empty: run 'visrec index FOLDER' first"))
    own = store.photo_for_path(Path(os.path.abspath(photo)))
    if own is None:  # the same photo under another name or path is still itself
        digest = hashlib.sha256(read_bytes(photo, MAX_FILE_BYTES)).digest()
        own = store.photo_for_content(store.content_key(digest))
    if own is not None and own in set(ids.tolist()):
        query = matrix[int(np.flatnonzero(ids == own)[0])]
    else:
        query, _ = embed_file(embedder, photo, settings.pixel_limit, steps)
    scores = matrix @ query
    order = [i for i in np.argsort(-scores, kind="stable") if ids[i] != own][:k]
    paths = store.photo_paths(int(ids[i]) for i in order)
    return [(paths[int(ids[i])][0] if paths[int(ids[i])] else None, float(scores[i]))
            for i in order]
