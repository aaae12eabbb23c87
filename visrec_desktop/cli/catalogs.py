"""Catalogs, recommendations, feedback and the taste profile."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from visrec_desktop.cli.common import ProgressPrinter, data_folder, library, model_choice
from visrec_desktop.core import library as core
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.progress import Progress

if TYPE_CHECKING:
    from visrec_desktop.core.library import Library, Recommendation


def _progress(args: argparse.Namespace) -> Progress:
    return Progress(None if getattr(args, "quiet", False) else ProgressPrinter())


def cmd_catalog_import(args: argparse.Namespace) -> int:
    with library(args, create=True) as lib:
        report = lib.import_catalog(Path(args.bundle), _progress(args))
    c = report.catalog
    if args.json:
        print(json.dumps({"id": c.id, "name": c.name, "items": c.items, "usable": c.usable,
                          "fingerprint": c.fingerprint, "replaced": report.replaced,
                          "embedded": report.embedded, "reused": report.reused,
                          "problems": c.problems, "warnings": report.warnings,
                          "seconds": round(report.seconds, 2)}, indent=2))
        return 0
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    verb = "Updated" if report.replaced else "Installed"
    print(f"{verb} '{c.name}' ({c.id}): {c.usable} of {c.items} items ready "
          f"({report.embedded} images embedded here, {report.reused} embeddings re-used) "
          f"in {report.seconds:.1f} s.")
    print(f"Publisher: {c.publisher}; key: {c.fingerprint or 'unsigned'}")
    for item_id, why in sorted(c.problems.items()):
        print(f"  left out {item_id}: {why}")
    return 0


def cmd_catalog_list(args: argparse.Namespace) -> int:
    with library(args) as lib:
        catalogs = lib.catalogs()
    rows = [{"id": c.id, "name": c.name, "publisher": c.publisher, "items": c.items,
             "usable": c.usable, "demo": c.demo, "fingerprint": c.fingerprint,
             "created_at": c.created_at} for c in catalogs]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for r in rows:
        demo = " [demo]" if r["demo"] else ""
        print(f"{r['id']}{demo}: {r['name']} by {r['publisher']}, {r['usable']}/{r['items']} "
              f"items, key {r['fingerprint'] or 'unsigned'}")
    return 0


def cmd_catalog_remove(args: argparse.Namespace) -> int:
    with library(args) as lib:
        lib.remove_catalog(args.id)
    print(f"Removed catalog '{args.id}'.")
    return 0


def cmd_catalog_build(args: argparse.Namespace) -> int:
    report = core.build_catalog(
        Path(args.csv), Path(args.images), Path(args.output), catalog_id=args.id,
        name=args.name, publisher=args.publisher, description=args.description,
        sign_key=Path(args.sign) if args.sign else None,
        factors=Path(args.factors) if args.factors else None, progress=_progress(args),
        data_dir=data_folder(args), choice=model_choice(args))
    print(f"Wrote {report.out}: {report.items} items, "
          f"{'signed by ' + report.fingerprint if report.fingerprint else 'unsigned'}, "
          f"in {report.seconds:.1f} s.")
    return 0


def cmd_catalog_keygen(args: argparse.Namespace) -> int:
    key = core.generate_signing_key(Path(args.output))
    print(f"Private key: {key.private} (keep it secret)\nPublic key: {key.public}\n"
          f"Fingerprint: {key.fingerprint}")
    return 0


def _rec_json(lib: Library, rec: Recommendation, explain: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": rec.item_id, "catalog": rec.catalog_id, "title": rec.title,
                           "category": rec.category, "price": rec.price,
                           "currency": rec.currency, "score": round(rec.score, 4),
                           "feedback": rec.feedback}
    if explain:
        item = lib.explain(rec)
        why = item.explanation
        out["explanation"] = {
            "interest": None if why.interest is None else why.interest + 1,
            "interest_label": why.interest_label, "interest_score": why.interest_score,
            "feedback_score": why.feedback_score, "collaborative_score": why.collab_score,
            "similar_photos": [{"path": str(p), "similarity": s} for p, s in item.photo_paths]}
    return out


def cmd_recommend(args: argparse.Namespace) -> int:
    with library(args) as lib:
        request = core.BrowseRequest(top=args.top, query=args.search or "", sort=args.sort,
                                     category=args.category, min_price=args.min_price,
                                     max_price=args.max_price, diversity=args.diversity)
        if request.problem():
            raise VisrecError(request.problem() or "")
        result = lib.browse(request)
        items = [_rec_json(lib, r, True) for r in result.items]
        profile_empty = result.empty_profile
    if args.json:
        print(json.dumps({"items": items}, indent=2, ensure_ascii=False))
        return 0
    if profile_empty:
        print("note: no photos indexed yet, so this is the catalog's own order; run "
              "'visrec index FOLDER' to get recommendations", file=sys.stderr)
    for n, it in enumerate(items, 1):
        why = it["explanation"]
        print(f"{n:3d}. {it['title']}  [{it['category']}]  {it['price']:.2f} {it['currency']}"
              f"  score {it['score']:.3f}  ({it['catalog']}/{it['id']})")
        if why["interest_label"]:
            print(f"     matches your interest #{why['interest']}: {why['interest_label']}")
        for p in why["similar_photos"]:
            print(f"     like your photo {p['path']} ({p['similarity']:.2f})")
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    with library(args) as lib:
        # Catalog ids never contain "/", item ids may: split at the first one, and only when
        # what stands before it is an installed catalog.
        installed = {c.id for c in lib.catalogs()}
        head, _, tail = args.item.partition("/")
        catalog_id, item_id = (head, tail) if tail and head in installed else ("", args.item)
        if not catalog_id:
            matches = [c.id for c in lib.catalogs() if lib.index(c.id).row(item_id) is not None]
            if len(matches) != 1:
                raise VisrecError(f"Item '{item_id}' is in {len(matches)} catalogs; write "
                                  "it as CATALOG/ITEM")
            catalog_id = matches[0]
        lib.set_feedback(catalog_id, item_id, None if args.state == "clear" else args.state)
    print(f"Recorded: {args.state} on {catalog_id}/{item_id}.")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    action = args.action
    if action in ("exclude", "include", "favourite", "unfavourite") and not args.path:
        raise VisrecError(f"'profile {action}' needs a PATH")
    with library(args) as lib:
        if action == "show":
            rows = lib.describe_profile(rebuild=args.rebuild)
            payload: dict[str, Any] = {
                "interests": rows, "photos": len(lib.profile().photo_ids),
                "excluded": [str(p) for p in lib.excluded()],
                "favourites": [str(p) for p in lib.favourites()],
                "feedback": len(lib.feedback())}
        elif action == "exclude":
            lib.exclude(args.path)
        elif action == "include":
            lib.include(args.path)
        elif action == "favourite":
            lib.favourite(args.path, True)
        elif action == "unfavourite":
            lib.favourite(args.path, False)
        elif action == "reset":
            if not args.yes and not _confirm("Forget exclusions, favourites and feedback?"):
                print("Nothing was reset.")
                return 1
            lib.reset_profile()
        if action != "show":
            lib.profile()
    if action != "show":
        print(f"Profile updated ({action}).")
        return 0
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No interests yet: index some photos with 'visrec index FOLDER'.")
    for r in rows:
        print(f"#{r['interest']} {r['label']}: weight {r['weight']:.0%}, "
              f"{r['photos']} photos; tags: {', '.join(r['tags'])}")
        for p in r["representative_photos"][:3]:
            print(f"     e.g. {p}")
    for p in payload["excluded"]:
        print(f"excluded: {p}")
    for p in payload["favourites"]:
        print(f"favourite: {p}")
    return 0


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        raise VisrecError("Refusing without confirmation: pass --yes")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the catalog, recommend, feedback and profile subcommands."""
    cat = sub.add_parser("catalog", help="install, list, remove, build and sign catalogs")
    csub = cat.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    p = csub.add_parser("import", parents=[common], help="install or update a catalog bundle")
    p.add_argument("bundle", metavar="BUNDLE", help="a .zip file or a folder")
    p.add_argument("--json", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_catalog_import)
    p = csub.add_parser("list", parents=[common], help="installed catalogs")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_catalog_list)
    p = csub.add_parser("remove", parents=[common], help="uninstall a catalog")
    p.add_argument("id", metavar="ID")
    p.set_defaults(func=cmd_catalog_remove)
    p = csub.add_parser("build", parents=[common], help="publisher tool: make a bundle")
    p.add_argument("csv", metavar="ITEMS.csv")
    p.add_argument("images", metavar="IMAGES_DIR")
    p.add_argument("-o", "--output", required=True, help="bundle.zip (or a folder)")
    p.add_argument("--id", required=True, help="catalog id (a-z, 0-9, . _ -)")
    p.add_argument("--name", required=True)
    p.add_argument("--publisher", required=True)
    p.add_argument("--description")
    p.add_argument("--sign", metavar="KEYFILE", help="sign with this private key")
    p.add_argument("--factors", metavar="NPY", help="item factors to ship (float32, items x f)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_catalog_build)
    p = csub.add_parser("keygen", parents=[common], help="publisher tool: make a signing key")
    p.add_argument("-o", "--output", default="publisher.key")
    p.set_defaults(func=cmd_catalog_keygen)

    p = sub.add_parser("recommend", parents=[common], help="items ranked for your taste")
    p.add_argument("--top", type=_positive, default=10, help="how many items (default 10)")
    p.add_argument("--category")
    p.add_argument("--search", metavar="WORDS",
                   help="only items whose title or category holds every word (case and "
                        "accents ignored)")
    p.add_argument("--sort", choices=list(core.SORTS), default="match",
                   help="order of the best matches: match (default), price_up, price_down, "
                        "newest")
    p.add_argument("--min-price", type=float)
    p.add_argument("--max-price", type=float)
    p.add_argument("--diversity", type=float, default=0.3,
                   help="0: closest matches only; 1: as varied as possible (default 0.3)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("feedback", parents=[common], help="like, dislike or hide an item")
    p.add_argument("item", metavar="ITEM", help="ITEM id, or CATALOG/ITEM")
    p.add_argument("state", choices=[*core.FEEDBACK_STATES, "clear"])
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("profile", parents=[common], help="show or adjust your taste profile")
    p.add_argument("action", choices=["show", "exclude", "include", "favourite", "unfavourite",
                                      "reset"])
    p.add_argument("path", nargs="?", metavar="PATH")
    p.add_argument("--json", action="store_true")
    p.add_argument("--rebuild", action="store_true", help="rebuild even if nothing changed")
    p.add_argument("--yes", action="store_true", help="reset without asking")
    p.set_defaults(func=cmd_profile)
