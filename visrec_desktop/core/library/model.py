"""The model a data folder is set up to use, and what it says about photo files on their own
(tags), which needs no unlocked profile."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from visrec_desktop.core import config
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.inference import providers
from visrec_desktop.core.inference.embedder import Embedder, Tag
from visrec_desktop.core.inference.manifest import load_model_spec
from visrec_desktop.core.ingest.decode import read_bytes
from visrec_desktop.core.ingest.pipeline import MAX_FILE_BYTES, embed_many
from visrec_desktop.i18n import _


@dataclass(frozen=True)
class ModelChoice:
    """Overrides of the saved settings for one run (the CLI's --model, --provider, --threads);
    None or 0 keeps the setting."""

    model: str | None = None
    provider: str | None = None
    threads: int = 0


SAVED_SETTINGS = ModelChoice()  # no override: the model, provider and threads saved


def make_embedder(data_dir: Path, choice: ModelChoice = SAVED_SETTINGS) -> Embedder:
    """The verified model named by the settings (or `choice`); its session is not built yet.
    Raises ModelError."""
    settings = config.Settings.load(data_dir) if data_dir.exists() else config.Settings()
    return Embedder(load_model_spec(choice.model or settings.model), provider=choice.provider,
                    setting=settings.provider, threads=choice.threads or settings.threads)


def available_providers() -> list[str]:
    """Execution providers this onnxruntime build offers, best first."""
    return providers.available()


def canonical_provider(name: str) -> str:
    return providers.canonical(name)


def provider_short_name(provider: str) -> str:
    return providers.short_name(provider)


@dataclass(frozen=True)
class PhotoTags:
    path: Path
    tags: list[Tag]  # most probable first
    error: str | None = None  # why the file could not be read, when it could not


def tag_photos(paths: list[Path], k: int = 5, data_dir: Path | None = None,
               choice: ModelChoice = SAVED_SETTINGS) -> tuple[list[PhotoTags], list[str]]:
    """The k most likely labels of each photo file, and the model's notes (a provider that
    could not be used, say). An unreadable file gets an error, not an exception. Raises
    VisrecError when the model has no class output."""
    folder = config.data_dir(data_dir)
    embedder = make_embedder(folder, choice)
    if embedder.spec.logits_output is None:
        raise VisrecError(_("Model {name} has no class output, so no tags").format(
            name=embedder.spec.name))
    settings = config.Settings.load(folder) if folder.exists() else config.Settings()
    # All files through the one pipeline (decoded in parallel, embedded in batches) and its
    # error policy: an unreadable file gets its sentence, never an exception.
    sources = [(p.name, partial(read_bytes, p, MAX_FILE_BYTES)) for p in paths]
    result = embed_many(embedder, sources, pixel_limit=settings.pixel_limit)
    out = []
    for i, path in enumerate(paths):
        if not result.ok[i]:
            out.append(PhotoTags(path, [], result.errors[i]))
            continue
        assert result.probs is not None  # a model with a class output returns probabilities
        out.append(PhotoTags(path, embedder.top_tags(result.probs[i:i + 1], k)[0]))
    return out, embedder.notes
