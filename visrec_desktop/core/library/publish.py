"""The publisher's tools: make a signing key, build a catalog bundle, read a bundle's id.
None of them needs an unlocked profile."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from visrec_desktop.core import config
from visrec_desktop.core.catalog import signing
from visrec_desktop.core.catalog.build import BuildReport, build_bundle
from visrec_desktop.core.catalog.bundle import CATALOG_FILE, Bundle
from visrec_desktop.core.catalog.schema import parse_catalog
from visrec_desktop.core.errors import CatalogFormatError
from visrec_desktop.core.library.model import SAVED_SETTINGS, ModelChoice, make_embedder
from visrec_desktop.core.progress import Progress
from visrec_desktop.i18n import _


@dataclass(frozen=True)
class SigningKey:
    private: Path  # keep secret
    public: Path
    fingerprint: str


def generate_signing_key(private_path: Path) -> SigningKey:
    """A new Ed25519 key pair for signing bundles (RFC 8032); refuses to overwrite a file."""
    private, public = signing.generate_keypair(private_path)
    raw = signing.public_raw(signing.load_private_key(private))
    return SigningKey(private, public, signing.fingerprint(raw))


@dataclass(frozen=True)
class RayBuild:
    """A build on Ray Data (the `publisher` extra): `address` None starts a local cluster of
    `num_cpus` CPUs, else joins that cluster; `concurrency` embedding actors of `threads`
    onnxruntime threads each take `batch_size` images per model call; `gpus_per_actor` None
    gives each actor a GPU when the cluster has them and the CUDA provider is installed."""

    address: str | None = None
    num_cpus: int | None = None
    concurrency: int = 2
    batch_size: int = 32
    threads: int = 1
    gpus_per_actor: float | None = None


def build_catalog(csv: Path, images: Path, output: Path, *, catalog_id: str, name: str,
                  publisher: str, description: str | None = None, sign_key: Path | None = None,
                  factors: Path | None = None, progress: Progress | None = None,
                  data_dir: Path | None = None, choice: ModelChoice = SAVED_SETTINGS,
                  ray: RayBuild | None = None) -> BuildReport:
    """Embed a catalog's images with this installation's model and write a bundle (.zip or a
    folder), signed when `sign_key` is given; on a Ray cluster when `ray` is given (same
    embeddings, same bundle). `csv` is the item table: .csv or .parquet. Raises
    CatalogFormatError, ModelError, VisrecError (Ray missing or the cluster unreachable)."""
    embedder = make_embedder(config.data_dir(data_dir), choice)
    if ray is None:
        return build_bundle(csv, images, output, catalog_id=catalog_id, name=name,
                            publisher=publisher, embedder=embedder, description=description,
                            sign_key=sign_key, factors=factors, progress=progress)
    # Imported here only: the app never loads Ray, and a desktop install lacks it.
    from visrec_desktop.core.catalog import ray_engine

    options = ray_engine.RayOptions(
        address=ray.address, num_cpus=ray.num_cpus, concurrency=ray.concurrency,
        batch_size=ray.batch_size, threads=ray.threads, gpus_per_actor=ray.gpus_per_actor)
    with ray_engine.RayEngine(embedder.spec, options, provider=choice.provider) as engine:
        return build_bundle(csv, images, output, catalog_id=catalog_id, name=name,
                            publisher=publisher, engine=engine, description=description,
                            sign_key=sign_key, factors=factors, progress=progress)


def bundle_catalog_id(bundle: Path) -> str:
    """The id of the catalog in a bundle (.zip or folder), read without installing anything;
    lets "Update..." check that a bundle really is a new version of the chosen catalog."""
    with Bundle.open(bundle) as opened:
        if CATALOG_FILE not in opened:
            raise CatalogFormatError(_("The bundle has no catalog.json at its top level"))
        return str(parse_catalog(opened.read(CATALOG_FILE)).id)
