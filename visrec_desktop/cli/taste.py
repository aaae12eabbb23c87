"""Recommendations, feedback and the taste profile."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from visrec_desktop.cli.common import library, positive
from visrec_desktop.core import library as core
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.i18n import gettext, ngettext

if TYPE_CHECKING:
    from visrec_desktop.core.library import Library, Recommendation


def _rec_json(lib: Library, rec: Recommendation, explain: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": rec.item_id, "catalog": rec.catalog_id, "title": rec.title,
                           "category": rec.category, "price": rec.price,
                           "currency": rec.currency, "match": round(rec.match, 4),
                           "match_percent": core.match_percent(rec.match),
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
        print(gettext("note: no photos indexed yet, so this is the catalog's own order; run "
                      "'visrec index FOLDER' to get recommendations"), file=sys.stderr)
    elif profile.thin:
        print(gettext("note: {value}").format(
            value=thin_note(len(profile.photo_ids))), file=sys.stderr)
    if not items:
        filtered = (args.search or category or args.min_price is not None
                    or args.max_price is not None)
        print(gettext("No items match: import a catalog with 'visrec catalog import BUNDLE'")
              if not result.catalogs else
              gettext("No items match: try other words, or drop --search, --category or the "
                      "price range") if filtered else
              gettext("No items match: every item is hidden or disliked; 'visrec feedback "
                      "list' shows them"), file=sys.stderr)
    for n, it in enumerate(items, 1):
        why = it["explanation"]
        print(gettext("{n:3d}. {title}  [{category}]  {price:.2f} {currency}  match {value:.0f} "
                      "%  ({catalog}/{id})").format(
                          n=n, title=it['title'], category=core.category_name(it['category']),
                          price=it['price'], currency=it['currency'], value=it['match_percent'],
                          catalog=it['catalog'], id=it['id']))
        if why["reason"]:
            # the reason names the interest already ("... of your photos of plants & flowers")
            print(gettext("     {reason} (interest #{number})").format(
                reason=why["reason"], number=why["interest"])
                  if why["interest"] else f"     {why['reason']}")
        for p in why["similar_photos"]:
            print(gettext("     like your photo {name} ({percent} similar, {path})").format(
                name=p['name'], percent=f"{core.match_percent(p['similarity'])}%",
                path=p['path']))
    return 0


def thin_note(photos: int) -> str:
    """What the CLI says about a profile with few photos."""
    return ngettext("your profile is still thin ({n} photo), so your likes count for more; "
                    "index more photos to sharpen it",
                    "your profile is still thin ({n} photos), so your likes count for more; "
                    "index more photos to sharpen it", photos).format(n=photos)


def cmd_feedback(args: argparse.Namespace) -> int:
    if args.state is None:
        raise VisrecError(gettext("Say what to record: visrec feedback ITEM "
                                  "like|dislike|hide|clear (or 'visrec feedback list')"))
    with library(args) as lib:
        # Catalog ids never contain "/", item ids may: split at the first one, and only when
        # what stands before it is an installed catalog.
        installed = {c.id for c in lib.catalogs()}
        head, _, tail = args.item.partition("/")
        catalog_id, item_id = (head, tail) if tail and head in installed else ("", args.item)
        if not catalog_id:
            matches = [c.id for c in lib.catalogs() if lib.index(c.id).row(item_id) is not None]
            if not matches:
                raise VisrecError(gettext("Item '{item_id}' is not in any installed catalog "
                                          "('visrec recommend' shows items as CATALOG/ITEM)"
                                          ).format(item_id=item_id))
            if len(matches) > 1:
                raise VisrecError(ngettext(
                    "Item '{item_id}' is in {n} installed catalog; write it as CATALOG/ITEM: "
                    "{choices}",
                    "Item '{item_id}' is in {n} installed catalogs; write it as CATALOG/ITEM: "
                    "{choices}", len(matches)).format(
                        item_id=item_id, n=len(matches),
                        choices=gettext(" or ").join(f"'{c}/{item_id}'" for c in matches)))
            catalog_id = matches[0]
        lib.set_feedback(catalog_id, item_id, None if args.state == "clear" else args.state)
    said = {"like": gettext("Recorded: you like {item}."),
            "dislike": gettext("Recorded: you dislike {item}."),
            "hide": gettext("Recorded: {item} is hidden."),
            "clear": gettext("Recorded: your feedback on {item} is taken back.")}
    print(said[args.state].format(item=f"{catalog_id}/{item_id}"))
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
        print(gettext("No feedback yet: like, dislike or hide an item with 'visrec feedback "
                      "ITEM like|dislike|hide'."))
        return 0
    heading = {"like": gettext("Liked:"), "dislike": gettext("Disliked:"),
               "hide": gettext("Hidden:")}
    last = None
    for e in entries:
        if e.state != last:
            print(heading.get(e.state, e.state + ":"))
            last = e.state
        where = (f"  [{core.category_name(e.category)}]" if e.category else
                 gettext("  (catalog removed)"))
        print(gettext("  {title}{where}  {catalog_id}/{item_id}").format(
            title=e.title, where=where, catalog_id=e.catalog_id, item_id=e.item_id))
    print(gettext("Take one back with: visrec feedback CATALOG/ITEM clear"))
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    action = args.action
    if action in ("rename", "merge", "unmerge"):
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
            if not args.yes and not _confirm(gettext("Forget exclusions, favourites, feedback "
                                                     "and interest names?")):
                print(gettext("Nothing was reset."))
                return 1
            lib.reset_profile()
        if action != "show":
            lib.profile()
    if action != "show":
        print(gettext("Profile updated ({action}).").format(action=action))
        return 0
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print(gettext("No interests yet: index some photos with 'visrec index FOLDER'."))
    elif payload["thin"]:
        print(gettext("note: {value}").format(value=thin_note(payload["photos"])),
              file=sys.stderr)
    for r in rows:
        own = gettext(" (your name)") if r["user_named"] else ""
        if r["merged"]:
            own += gettext(" (merged: 'visrec profile unmerge {number}' splits it)").format(
                number=r["interest"])
        print(ngettext("#{number} {name}{own}: weight {weight:.0%}, {n} photo",
                       "#{number} {name}{own}: weight {weight:.0%}, {n} photos",
                       r["photos"]).format(number=r["interest"], name=r["name"], own=own,
                                           weight=r["weight"], n=r["photos"]))
        for p in r["representative_photos"][:3]:
            print(gettext("     e.g. {photo}").format(photo=p))
    for p in payload["excluded"]:
        print(gettext("excluded: {p}").format(p=p))
    for p in payload["favourites"]:
        print(gettext("favourite: {p}").format(p=p))
    return 0


def _interest_number(text: str | None) -> int:
    """A 1-based interest number from the command line, as a 0-based index."""
    try:
        number = int(text or "")
    except ValueError:
        raise VisrecError(gettext("'{text}' is not an interest number (see 'visrec profile "
                                  "show')").format(text=text)
                          ) from None
    return number - 1


def _profile_interests(args: argparse.Namespace) -> int:
    """`profile rename NUMBER [NAME]`, `profile merge FIRST SECOND`, `profile unmerge NUMBER`."""
    with library(args) as lib:
        if args.action == "unmerge":
            number = _interest_number(args.number)
            lib.unmerge_interest(number)
            n = len(lib.profile().interests)
            print(ngettext("Split interest #{value}; the profile now has {n} interest.",
                           "Split interest #{value}; the profile now has {n} interests.",
                           n).format(value=number + 1, n=n))
            return 0
        if args.action == "rename":
            number = _interest_number(args.number)
            lib.rename_interest(number, args.name)
            title = lib.profile().interests[number].title
            print(gettext("Interest #{value} is now called '{title}'.").format(
                value=number + 1, title=title))
            return 0
        first, second = _interest_number(args.first), _interest_number(args.second)
        lib.merge_interests(first, second)
        n = len(lib.profile().interests)
    print(ngettext("Merged interests #{first} and #{second}; the profile now has {n} interest.",
                   "Merged interests #{first} and #{second}; the profile now has {n} "
                   "interests.", n).format(first=first + 1, second=second + 1, n=n))
    return 0


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        raise VisrecError(gettext("Nothing was reset: there is no terminal to ask for "
                                  "confirmation; pass --yes to reset without asking"))
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes", gettext("y"),
                                                           gettext("yes"))


def _verdict(text: str) -> str:
    """argparse type of feedback's VERDICT: 'remove' is an old spelling of 'clear'."""
    return "clear" if text == "remove" else text


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the recommend, feedback and profile subcommands."""
    p = sub.add_parser("recommend", parents=[common], help=gettext("items ranked for your taste"))
    p.add_argument("--top", type=positive, default=10, help=gettext("how many items (default: 10)"))
    p.add_argument("--category", help=gettext("only items of this category (its name, or the "
                                              "start of it or of one of its words)"))
    p.add_argument("--search", metavar="WORDS",
                   help=gettext("only items whose title or category holds every word (case and "
                                "accents ignored)"))
    p.add_argument("--sort", choices=list(core.SORTS), default="match",
                   help=gettext("order of the best matches: match (default), price_up, "
                                "price_down, newest"))
    p.add_argument("--min-price", type=float, metavar="PRICE",
                   help=gettext("only items costing at least PRICE, in the catalog's currency"))
    p.add_argument("--max-price", type=float, metavar="PRICE",
                   help=gettext("only items costing at most PRICE, in the catalog's currency"))
    p.add_argument("--diversity", type=float, default=0.3,
                   help=gettext("0: closest matches only; 1: as varied as possible (default: 0.3)"))
    p.add_argument("--json", action="store_true",
                   help=gettext("print one JSON object: the items (id, catalog, title, "
                                "category, price, currency, match, explanation) and whether your "
                                "profile is still thin"))
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("feedback", parents=[common],
                       help=gettext("like, dislike or hide an item; list or take back what you "
                                    "said"),
                       usage=gettext("%(prog)s ITEM like|dislike|hide|clear [options]\n"
                                     "       %(prog)s list [--json] [options]"),
                       description=gettext("visrec feedback ITEM like|dislike|hide|clear "
                                           "records (clear: takes back) your feedback on one "
                                           "item; visrec feedback list shows all of it. A like "
                                           "moves items like it up; a dislike takes the item "
                                           "out of 'visrec recommend' and moves items like it "
                                           "down; hide only takes the item out. 'clear' puts "
                                           "it back."))
    said = p.add_subparsers(metavar="ITEM", parser_class=type(p), prog=p.prog,
                            help=gettext("the item's id, or CATALOG/ITEM; 'list' shows all your "
                                         "feedback"))
    said.required = True
    # VERDICT shown in the help; what is typed goes to the fallback parser (the commands take
    # every argument), and SUPPRESS keeps this empty one from overwriting its value
    p.add_argument("state", nargs="?", metavar="VERDICT", default=argparse.SUPPRESS,
                   choices=[*core.FEEDBACK_STATES, "clear"],
                   help=gettext("like, dislike, hide, or clear to take your feedback back"))
    said.fallback = verdict = type(p)(prog=p.prog, parents=[common], add_help=False,
                                      usage=p.usage)
    verdict.add_argument("item", metavar="ITEM")
    verdict.add_argument("state", nargs="?", metavar="VERDICT", type=_verdict,
                         choices=[*core.FEEDBACK_STATES, "clear"])
    verdict.set_defaults(func=cmd_feedback)
    a = said.add_parser("list", parents=[common], help=gettext("list every item you liked, "
                                                               "disliked or hid"))
    a.add_argument("--json", action="store_true",
                   help=gettext("print one JSON object listing each item you gave feedback on, "
                                "with its catalog, verdict, title and category"))
    a.set_defaults(func=_feedback_list)

    p = sub.add_parser("profile", parents=[common], help=gettext("show or adjust your taste "
                                                                 "profile"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p),
                               help=gettext("show (default) or another action below"))
    p.set_defaults(func=cmd_profile, action="show")  # after add_subparsers: its default is None
    a = actions.add_parser("show", parents=[common],
                           help=gettext("list your interests, their weights and example photos, "
                                        "your exclusions and favourites"))
    for own in (p, a):  # `visrec profile` alone shows too, and takes show's options
        own.add_argument("--json", action="store_true",
                         help=gettext("print one JSON object: your interests, photo count, "
                                      "exclusions, favourites and feedback count"))
        own.add_argument("--rebuild", action="store_true",
                         help=gettext("rebuild the interests even if no photo changed"))
    for name, text in (
            ("exclude", gettext("leave a folder or photo out of your profile")),
            ("include", gettext("take an excluded folder or photo back into your profile")),
            ("favourite", gettext("make a folder or photo count more in your profile")),
            ("unfavourite", gettext("make a favourite folder or photo count as usual again"))):
        a = actions.add_parser(name, parents=[common], help=text)
        a.add_argument("path", metavar="PATH", help=gettext("a folder or photo"))
    a = actions.add_parser("rename", parents=[common],
                           help=gettext("give an interest your own name, or its automatic name "
                                        "again"))
    a.add_argument("number", metavar="NUMBER",
                   help=gettext("the interest's number, as 'visrec profile show' lists it"))
    a.add_argument("name", nargs="?", metavar="NAME",
                   help=gettext("the new name (none: the automatic name again)"))
    a = actions.add_parser("merge", parents=[common],
                           help=gettext("make two interests one"))
    a.add_argument("first", metavar="FIRST",
                   help=gettext("the first interest's number, as 'visrec profile show' lists "
                                "it"))
    a.add_argument("second", metavar="SECOND",
                   help=gettext("the number of the interest to merge into it"))
    a = actions.add_parser("unmerge", parents=[common],
                           help=gettext("split a merged interest back into the two it joined"))
    a.add_argument("number", metavar="NUMBER",
                   help=gettext("the merged interest's number, as 'visrec profile show' lists "
                                "it"))
    a = actions.add_parser("reset", parents=[common],
                           help=gettext("forget exclusions, favourites, feedback and interest "
                                        "names"))
    a.add_argument("--yes", action="store_true", help=gettext("reset without asking"))
