"""The differentially private export: export, privacy status, privacy budget."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from visrec_desktop.cli.common import library
from visrec_desktop.core import library as core
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.i18n import _


def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.exists() and not args.force:
        raise VisrecError(_("{out} exists; pass --force to replace it").format(out=out))
    if not args.yes and not sys.stdin.isatty():
        # Refuse before anything is computed: a release spends privacy budget.
        raise VisrecError(_("Nothing was exported and no budget was spent: there is no "
                            "terminal to ask for confirmation; pass --yes to export without "
                            "asking"))
    with library(args) as lib:
        result = lib.privacy.export(args.epsilon, args.taxonomy, args.catalog)
    text = json.dumps(result.document, indent=2, ensure_ascii=False)
    remaining = max(result.budget - result.spent, 0)
    print(_("This is exactly what will be written:") + "\n" + text, file=sys.stderr)
    # Not fresh: answered from the ledger (an earlier identical request today, this process's
    # or another's), so nothing was spent. A plan() before it would only say the same again
    # and compute the true counts twice.
    if not result.fresh:
        print(_("This repeats today's release at ε {epsilon:.2f}: the same numbers come back "
                "and nothing is spent; {remaining:g} left.").format(
                    epsilon=result.document["epsilon"], remaining=round(remaining, 6)),
              file=sys.stderr)
    else:
        print(_("Privacy budget: {spent:g} of {budget:g} spent, {remaining:g} left "
                "{note}").format(spent=result.spent, budget=result.budget,
                                 remaining=remaining,
                                 note=_("(spent ε = {epsilon:g})").format(
                                     epsilon=result.document["epsilon"])), file=sys.stderr)
    answer = "yes" if args.yes else input(_("Write it to {out}? [y/N] ").format(out=out)
                                          ).strip().lower()
    if answer not in ("y", "yes", _("y"), _("yes")):
        print(_("Nothing was written. Asking again today returns the same numbers."))
        return 1
    core.write_export(result.document, out)
    print(_("Wrote {out}.").format(out=out))
    return 0


def cmd_privacy(args: argparse.Namespace) -> int:
    with library(args) as lib:
        if args.action == "budget":
            lib.privacy.set_budget(args.value, allow_raise=args.allow_raise)
        status = lib.privacy.status()
    if args.json:
        print(json.dumps(status, indent=2))
        return 0
    print(_("Privacy budget: {budget:g} (ε, basic composition); spent {spent:g}; remaining "
            "{remaining:g}.").format(
                budget=status['budget'], spent=status['spent'], remaining=status['remaining']))
    for r in status["releases"]:
        print(_("  {day}: ε = {epsilon:g} over {taxonomy}").format(
            day=r['day'], epsilon=r['epsilon'], taxonomy=r['taxonomy']))
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add export and privacy."""
    p = sub.add_parser("export", parents=[common], help=_("write a differentially private "
                                                          "summary of your interests"))
    p.add_argument("--epsilon", required=True, help=_("privacy loss of this release, e.g. 1.0: "
                                                      "smaller is more private and noisier"))
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help=_("the JSON file to write"))
    p.add_argument("--taxonomy", choices=["default", "catalog"], default="default",
                   help=_("the public interest categories, or a catalog's own categories"))
    p.add_argument("--catalog", help=_("with --taxonomy catalog: which catalog"))
    p.add_argument("--yes", action="store_true", help=_("write without asking"))
    p.add_argument("--force", action="store_true", help=_("replace an existing file"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("privacy", parents=[common], help=_("privacy budget: show it, or set it"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p),
                               help=_("status (default) or budget"))
    # after add_subparsers, whose own default (None) would win otherwise
    p.set_defaults(func=cmd_privacy, action="status", value=None, allow_raise=False)
    a = actions.add_parser("status", parents=[common],
                           help=_("the privacy budget, what is spent and each release"))
    b = actions.add_parser("budget", parents=[common],
                           help=_("set the total privacy budget of your exports"))
    b.add_argument("value", type=float, metavar="VALUE",
                   help=_("the new total privacy budget, in ε (e.g. 3)"))
    b.add_argument("--allow-raise", action="store_true",
                   help=_("raise it (only before the first export)"))
    for own in (p, a, b):  # `visrec privacy` alone shows the status too
        own.add_argument("--json", action="store_true",
                         help=_("print one JSON object: the budget, what is spent and remains, "
                                "and each release"))
