"""Command line: ``python -m geo COMMAND ...``.

Each command is a small function here that composes the engine; run
``python -m geo --help`` for the list and ``python -m geo COMMAND --help``
for each command's options.  Errors a user can cause end with one message on
stderr and exit status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import sys
import warnings

import geopandas as gpd
import pandas as pd

from geo import boundaries


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("find", help="find an administrative unit by name")
    p.add_argument("name", help='e.g. "North Waziristan Agency", "KPK", "FATA"')
    p.add_argument("--level", choices=boundaries.LEVELS)
    p.set_defaults(func=_cmd_find)

    p = sub.add_parser("admin", help="administrative units holding a point")
    p.add_argument("latitude", type=float, help="degrees north")
    p.add_argument("longitude", type=float, help="degrees east")
    p.set_defaults(func=_cmd_admin)

    p = sub.add_parser("prepare", help="build the derived indexes (boundary grids) ahead of first use")
    p.set_defaults(func=_cmd_prepare)

    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _cmd_find(args: argparse.Namespace) -> int:
    if not args.name.strip():
        print("error: give a non-empty name to find", file=sys.stderr)
        return 2
    found = boundaries.find(args.name, level=args.level)
    if found.empty:
        print(f"no administrative unit matches {args.name!r}", file=sys.stderr)
        return 1
    print(found.drop(columns="geometry").to_string(index=False))
    return 0


def _cmd_admin(args: argparse.Namespace) -> int:
    point = gpd.GeoDataFrame(geometry=gpd.points_from_xy([args.longitude], [args.latitude]),
                             crs="EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = boundaries.join(point).iloc[0]
    if pd.isna(row["admin0"]):
        print(f"no administrative unit within {boundaries.settings.NEAREST_MAX_KM:g} km of "
              f"({args.latitude}, {args.longitude})", file=sys.stderr)
        return 1
    for col in boundaries.JOIN_COLUMNS:
        print(f"{col:18} {'' if pd.isna(row[col]) else row[col]}")
    return 0


def _cmd_prepare(args: argparse.Namespace) -> int:
    boundaries.prepare()
    print("boundary grids ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
