"""Catalogs, recommendations, feedback and the taste profile."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from visrec_desktop.cli.common import (
    ProgressPrinter,
    count,
    data_folder,
    library,
    model_choice,
)
from visrec_desktop.core import library as core
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.progress import Progress

if TYPE_CHECKING:
    from visrec_desktop.core.library import Library, Recommendation


def _progress(args: argparse.Namespace) -> Progress:
    # what a catalog build or import counts is the catalog's item images, not the user's photos
    return Progress(None if getattr(args, "quiet", False) else ProgressPrinter(unit="images"))


def cmd_catalog_import(args: argparse.Namespace) -> int:
    with library(args, create=True) as lib:
        report = lib.import_catalog(Path(args.bundle), _progress(args),
                                    allow_downgrade=args.allow_downgrade)
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
                print(f"visrec: --{flag.replace('_', '-')} needs --engine ray", file=sys.stderr)
                return 2
    ray = _ray_build(args)
    report = core.build_catalog(
        Path(args.csv), Path(args.images), Path(args.output), catalog_id=args.id,
        name=args.name, publisher=args.publisher, description=args.description,
        sign_key=Path(args.sign) if args.sign else None,
        factors=Path(args.factors) if args.factors else None, progress=_progress(args),
        data_dir=data_folder(args), choice=model_choice(args), ray=ray)
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
                           "currency": rec.currency, "match": round(rec.match, 4),
                           "score": round(rec.score, 4), "feedback": rec.feedback}
    if explain:
        item = lib.explain(rec)
        why = item.explanation
        out["explanation"] = {
            "interest": None if why.interest is None else why.interest + 1,
            "interest_label": why.interest_label, "interest_score": why.interest_score,
            "reason": why.reason, "feedback_score": why.feedback_score,
            "collaborative_score": why.collab_score,
            "similar_photos": [{"path": str(p), "name": p.name, "similarity": s}
                               for p, s in item.photo_paths]}
    return out


def cmd_recommend(args: argparse.Namespace) -> int:
    with library(args) as lib:
        category = lib.category(args.category) if args.category else None
        request = core.BrowseRequest(top=args.top, query=args.search or "", sort=args.sort,
                                     category=category, min_price=args.min_price,
                                     max_price=args.max_price, diversity=args.diversity)
        if request.problem():
            raise VisrecError(request.problem() or "")
        result = lib.browse(request)
        items = [_rec_json(lib, r, True) for r in result.items]
        profile = lib.profile()
    if args.json:
        print(json.dumps({"items": items, "thin_profile": profile.thin}, indent=2,
                         ensure_ascii=False))
        return 0
    if profile.empty:
        print("note: no photos indexed yet, so this is the catalog's own order; run "
              "'visrec index FOLDER' to get recommendations", file=sys.stderr)
    elif profile.thin:
        print(f"note: {thin_note(len(profile.photo_ids))}", file=sys.stderr)
    if not items:
        print("No items match: " + ("install a catalog with 'visrec catalog import BUNDLE'"
                                   if not result.catalogs else
                                   "try other words, or drop --search, --category or the price "
                                   "range" if args.search or category or
                                   args.min_price is not None or args.max_price is not None
                                   else "every item is hidden or disliked; 'visrec feedback "
                                   "list' shows them"), file=sys.stderr)
    for n, it in enumerate(items, 1):
        why = it["explanation"]
        print(f"{n:3d}. {it['title']}  [{it['category']}]  {it['price']:.2f} {it['currency']}"
              f"  match {100 * max(it['match'], 0):.0f} %  ({it['catalog']}/{it['id']})")
        if why["reason"]:
            print(f"     {why['reason']} (interest #{why['interest']}: {why['interest_label']})"
                  if why["interest"] else f"     {why['reason']}")
        for p in why["similar_photos"]:
            print(f"     like your photo {p['name']} ({p['similarity']:.2f}, {p['path']})")
    return 0


def thin_note(photos: int) -> str:
    """What the CLI says about a profile with few photos."""
    return (f"your profile is still thin ({count(photos, 'photo')}), so "
            "your likes count for more; index more photos to sharpen it")


def cmd_feedback(args: argparse.Namespace) -> int:
    if args.item == "list" and args.state is None:
        return _feedback_list(args)
    if args.state is None:
        raise VisrecError("Say what to record: visrec feedback ITEM like|dislike|hide|clear "
                          "(or 'visrec feedback list')")
    if args.state == "remove":
        args.state = "clear"
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


def _feedback_list(args: argparse.Namespace) -> int:
    with library(args) as lib:
        entries = lib.feedback_items()
    if args.json:
        print(json.dumps({"feedback": [{"catalog": e.catalog_id, "id": e.item_id,
                                        "state": e.state, "title": e.title,
                                        "category": e.category} for e in entries]},
                         indent=2, ensure_ascii=False))
        return 0
    if not entries:
        print("No feedback yet: like, dislike or hide items with 'visrec feedback ITEM STATE'.")
        return 0
    heading = {"like": "Liked", "dislike": "Disliked", "hide": "Hidden"}
    last = None
    for e in entries:
        if e.state != last:
            print(f"{heading.get(e.state, e.state)}:")
            last = e.state
        where = f"  [{e.category}]" if e.category else "  (catalog not installed)"
        print(f"  {e.title}{where}  {e.catalog_id}/{e.item_id}")
    print("Take one back with: visrec feedback CATALOG/ITEM clear")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    action = args.action
    if action in ("exclude", "include", "favourite", "unfavourite") and not args.path:
        raise VisrecError(f"'profile {action}' needs a PATH")
    if action in ("rename", "merge"):
        return _profile_interests(args)
    with library(args) as lib:
        if action == "show":
            rows = lib.describe_profile(rebuild=args.rebuild)
            profile = lib.profile()
            payload: dict[str, Any] = {
                "interests": rows, "photos": len(profile.photo_ids), "thin": profile.thin,
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
            if not args.yes and not _confirm("Forget exclusions, favourites, feedback and "
                                             "interest names?"):
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
    elif payload["thin"]:
        print(f"Note: {thin_note(payload['photos'])}.")
    for r in rows:
        own = "  (your name)" if r["user_named"] else ""
        print(f"#{r['interest']} {r['name']}{own}: weight {r['weight']:.0%}, "
              f"{count(r['photos'], 'photo')}")
        for p in r["representative_photos"][:3]:
            print(f"     e.g. {p}")
    for p in payload["excluded"]:
        print(f"excluded: {p}")
    for p in payload["favourites"]:
        print(f"favourite: {p}")
    return 0


def _interest_number(text: str | None) -> int:
    """A 1-based interest number from the command line, as a 0-based index."""
    try:
        number = int(text or "")
    except ValueError:
        raise VisrecError(f"'{text}' is not an interest number (see 'visrec profile show')"
                          ) from None
    return number - 1


def _profile_interests(args: argparse.Namespace) -> int:
    """`profile rename N [NAME]` and `profile merge A B`."""
    with library(args) as lib:
        if args.action == "rename":
            number = _interest_number(args.path)
            lib.rename_interest(number, args.extra)
            title = lib.profile().interests[number].title
            print(f"Interest #{number + 1} is now called '{title}'.")
            return 0
        if args.extra is None:
            raise VisrecError("'profile merge' needs two interest numbers: A B")
        first, second = _interest_number(args.path), _interest_number(args.extra)
        lib.merge_interests(first, second)
        n = len(lib.profile().interests)
    print(f"Merged interests #{first + 1} and #{second + 1}; the profile now has {n} "
          f"interest{'s' if n != 1 else ''}.")
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
    p.add_argument("--allow-downgrade", action="store_true",
                   help="replace a signed catalog with an older version of itself")
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
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="where images are embedded: this machine, or a Ray cluster (needs "
                        "pip install 'visrec-desktop[publisher]'; docs/publishing.md)")
    p.add_argument("--address", help="Ray: join this cluster (e.g. ray://head:10001 or auto); "
                                     "default: start a local one")
    p.add_argument("--num-cpus", type=_positive,
                   help="Ray: CPUs of the local cluster (default: all)")
    p.add_argument("--concurrency", type=_positive,
                   help="Ray: embedding actors (default 2)")
    p.add_argument("--batch-size", type=_positive,
                   help="Ray: images per model call (default 32)")
    p.add_argument("--gpus-per-actor", type=float,
                   help="Ray: GPUs per actor (default: 1 when the cluster has GPUs and the "
                        "CUDA execution provider is installed, else 0)")
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

    p = sub.add_parser("feedback", parents=[common],
                       help="like, dislike or hide an item; list or take back what you said",
                       description="visrec feedback ITEM like|dislike|hide|clear records (clear: "
                                   "takes back) your feedback on one item; visrec feedback list "
                                   "shows all of it.")
    p.add_argument("item", metavar="ITEM", help="ITEM id, CATALOG/ITEM, or 'list'")
    p.add_argument("state", nargs="?", choices=[*core.FEEDBACK_STATES, "clear", "remove"])
    p.add_argument("--json", action="store_true", help="with 'list': machine-readable")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("profile", parents=[common], help="show or adjust your taste profile")
    p.add_argument("action", nargs="?", default="show",
                   choices=["show", "exclude", "include", "favourite", "unfavourite",
                                      "rename", "merge", "reset"])
    p.add_argument("path", nargs="?", metavar="PATH",
                   help="a folder or photo; for rename and merge an interest number N")
    p.add_argument("extra", nargs="?", metavar="NAME",
                   help="rename: the new name (none: the automatic name again); merge: the "
                        "second interest number")
    p.add_argument("--json", action="store_true")
    p.add_argument("--rebuild", action="store_true", help="rebuild even if nothing changed")
    p.add_argument("--yes", action="store_true", help="reset without asking")
    p.set_defaults(func=cmd_profile)
