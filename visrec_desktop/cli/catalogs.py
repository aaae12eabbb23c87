"""Catalogs: import, list, remove, and the publisher's build and signing key."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from visrec_desktop.cli.common import (
    ProgressPrinter,
    data_folder,
    library,
    model_choice,
    positive,
)
from visrec_desktop.core import library as core
from visrec_desktop.core.progress import Progress
from visrec_desktop.i18n import gettext, ngettext


def _progress(args: argparse.Namespace) -> Progress:
    # what a catalog build or import counts is the catalog's item images, not the user's photos
    quiet = getattr(args, "quiet", False)
    return Progress(None if quiet else ProgressPrinter(unit=gettext("images")))


def cmd_catalog_import(args: argparse.Namespace) -> int:
    with library(args, create=True) as lib:
        report = lib.import_catalog(Path(args.bundle), _progress(args),
                                    allow_downgrade=args.allow_downgrade)
    c = report.catalog
    if args.json:
        print(json.dumps({"id": c.id, "name": c.name, "items": c.items, "usable": c.usable,
                          "fingerprint": c.fingerprint, "replaced": report.replaced,
                          "embedded": report.embedded, "shared": report.shared,
                          "reused": report.reused,
                          "problems": c.problems, "warnings": report.warnings,
                          "seconds": round(report.seconds, 2)}, indent=2))
        return 0
    for w in report.warnings:
        print(gettext("warning: {w}").format(w=w), file=sys.stderr)
    done = (ngettext("Imported '{name}' ({id}) as an update: {usable} of {items} item ready "
                     "({sources}) in {seconds:.1f} s.",
                     "Imported '{name}' ({id}) as an update: {usable} of {items} items ready "
                     "({sources}) in {seconds:.1f} s.", c.items)
            if report.replaced else
            ngettext("Imported '{name}' ({id}): {usable} of {items} item ready ({sources}) in "
                     "{seconds:.1f} s.",
                     "Imported '{name}' ({id}): {usable} of {items} items ready ({sources}) in "
                     "{seconds:.1f} s.", c.items))
    print(done.format(name=c.name, id=c.id, usable=c.usable, items=c.items,
                      sources=report.sources(), seconds=report.seconds))
    print(gettext("Publisher: {publisher}; key: {value}").format(
        publisher=c.publisher, value=c.fingerprint or gettext("unsigned")))
    for item_id, why in sorted(c.problems.items()):
        print(gettext("  left out {item_id}: {why}").format(item_id=item_id, why=why))
    return 0


def cmd_catalog_list(args: argparse.Namespace) -> int:
    with library(args) as lib:
        catalogs = lib.catalogs()
        ranked = {c.id for c in lib.ranked_catalogs()}
    rows = [{"id": c.id, "name": c.name, "publisher": c.publisher, "items": c.items,
             "usable": c.usable, "demo": c.demo, "ranked": c.id in ranked,
             "fingerprint": c.fingerprint, "created_at": c.created_at} for c in catalogs]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for r in rows:
        demo = "" if not r["demo"] else gettext(" [demo]") if r["ranked"] else gettext(
            " [demo: not ranked while a shop's catalog is installed]")
        print(ngettext(
            "{id}{demo}: {name} by {publisher}, {usable}/{items} item, key {value}",
            "{id}{demo}: {name} by {publisher}, {usable}/{items} items, key {value}",
            r["items"]).format(
            id=r['id'], demo=demo, name=r['name'], publisher=r['publisher'],
            usable=r['usable'], items=r['items'], value=r['fingerprint'] or gettext('unsigned')))
    return 0


def cmd_catalog_remove(args: argparse.Namespace) -> int:
    with library(args) as lib:
        lib.remove_catalog(args.id)
    print(gettext("Removed catalog '{id}'.").format(id=args.id))
    return 0


def _ray_build(args: argparse.Namespace) -> core.RayBuild | None:
    if args.engine != "ray":
        return None
    defaults = core.RayBuild()
    return core.RayBuild(
        address=args.address, num_cpus=args.num_cpus,
        concurrency=args.concurrency or defaults.concurrency,
        batch_size=args.batch_size or defaults.batch_size,
        threads=args.threads or defaults.threads, gpus_per_actor=args.gpus_per_actor)


def cmd_catalog_build(args: argparse.Namespace) -> int:
    if args.engine != "ray":
        for flag in ("address", "num_cpus", "concurrency", "batch_size", "gpus_per_actor"):
            if getattr(args, flag) is not None:
                print(gettext("visrec: --{option} needs --engine ray").format(
                    option=flag.replace("_", "-")), file=sys.stderr)
                return 2
    ray = _ray_build(args)
    report = core.build_catalog(
        Path(args.csv), Path(args.images), Path(args.output), catalog_id=args.id,
        name=args.name, publisher=args.publisher, description=args.description,
        sign_key=Path(args.sign) if args.sign else None,
        factors=Path(args.factors) if args.factors else None, progress=_progress(args),
        data_dir=data_folder(args), choice=model_choice(args), ray=ray)
    print(ngettext("Wrote {out}: {items} item, {value}, in {seconds:.1f} s.",
                   "Wrote {out}: {items} items, {value}, in {seconds:.1f} s.",
                   report.items).format(
        out=report.out, items=report.items,
        value=gettext("signed by {fingerprint}").format(fingerprint=report.fingerprint)
        if report.fingerprint else gettext("unsigned"),
        seconds=report.seconds))
    return 0


def cmd_catalog_keygen(args: argparse.Namespace) -> int:
    key = core.generate_signing_key(Path(args.output))
    print(gettext("Private key: {private} (keep it secret)\nPublic key: {public}\nFingerprint: "
                  "{fingerprint}").format(
                      private=key.private, public=key.public, fingerprint=key.fingerprint))
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the catalog subcommands."""
    cat = sub.add_parser("catalog", help=gettext("import, list, remove, build and sign catalogs"))
    csub = cat.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    p = csub.add_parser("import", parents=[common],
                        help=gettext("import a catalog bundle: a new catalog, or a newer version "
                                     "of one imported before"))
    p.add_argument("bundle", metavar="BUNDLE", help=gettext("a .zip file or a folder"))
    p.add_argument("--allow-downgrade", action="store_true",
                   help=gettext("replace a signed catalog with an older version of itself"))
    p.add_argument("--json", action="store_true",
                   help=gettext("print the result as one JSON object: the catalog, its items "
                                "ready and left out, its key fingerprint and any warnings"))
    p.add_argument("-q", "--quiet", action="store_true", help=gettext("no progress bar"))
    p.set_defaults(func=cmd_catalog_import)
    p = csub.add_parser("list", parents=[common], help=gettext("list the imported catalogs"))
    p.add_argument("--json", action="store_true",
                   help=gettext("print a JSON list of the catalogs: id, name, publisher, items, "
                                "key fingerprint, date"))
    p.set_defaults(func=cmd_catalog_list)
    p = csub.add_parser("remove", parents=[common], help=gettext("remove an imported catalog"))
    p.add_argument("id", metavar="ID", help=gettext("the catalog's id ('visrec catalog list' "
                                                    "shows it)"))
    p.set_defaults(func=cmd_catalog_remove)
    p = csub.add_parser("build", parents=[common], help=gettext("publisher tool: make a bundle"))
    p.add_argument("csv", metavar="ITEMS.csv",
                   help=gettext("the items: a CSV or Parquet file, one row per item "
                                "(docs/publishing.md)"))
    p.add_argument("images", metavar="IMAGES_DIR", help=gettext("the folder of the items' "
                                                                "images"))
    p.add_argument("-o", "--output", required=True, help=gettext("bundle.zip (or a folder)"))
    p.add_argument("--id", required=True, help=gettext("catalog id (a-z, 0-9, . _ -)"))
    p.add_argument("--name", required=True, help=gettext("the catalog's name, as people see it"))
    p.add_argument("--publisher", required=True,
                   help=gettext("who publishes it (shown with the catalog and its key)"))
    p.add_argument("--description", help=gettext("a sentence about the catalog"))
    p.add_argument("--sign", metavar="KEYFILE", help=gettext("sign with this private key"))
    p.add_argument("--factors", metavar="NPY", help=gettext("item factors to ship (float32, "
                                                            "items x f)"))
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help=gettext("where images are embedded: this machine, or a Ray cluster "
                                "(needs pip install 'visrec-desktop[publisher]'; "
                                "docs/publishing.md)"))
    p.add_argument("--address", help=gettext("Ray: join this cluster (e.g. ray://head:10001 or "
                                             "auto); default: start a local one"))
    p.add_argument("--num-cpus", type=positive,
                   help=gettext("Ray: CPUs of the local cluster (default: all)"))
    p.add_argument("--concurrency", type=positive,
                   help=gettext("Ray: embedding actors (default: 2)"))
    p.add_argument("--batch-size", type=positive,
                   help=gettext("Ray: images per model call (default: 32)"))
    p.add_argument("--gpus-per-actor", type=float,
                   help=gettext("Ray: GPUs per actor (default: 1 when the cluster has GPUs and "
                                "the CUDA execution provider is installed, else 0)"))
    p.add_argument("-q", "--quiet", action="store_true", help=gettext("no progress bar"))
    p.set_defaults(func=cmd_catalog_build)
    p = csub.add_parser("keygen", parents=[common], help=gettext("publisher tool: make a "
                                                                 "signing key"))
    p.add_argument("-o", "--output", default="publisher.key",
                   help=gettext("the private key file to write (default: publisher.key); the "
                                "public key is written beside it"))
    p.set_defaults(func=cmd_catalog_keygen)
