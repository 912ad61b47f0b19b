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

from geo import boundaries, ingest
from geo.store import StoreError


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

    p = sub.add_parser("parse", help="find and resolve the places in a text file")
    p.add_argument("file", help="text or HTML file")
    p.add_argument("--format", choices=("table", "geojson", "csv"), default="table")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser("prepare", help="build the derived indexes (boundary grids, gazetteer) and seed an "
                                           "empty store with the shipped articles")
    p.set_defaults(func=_cmd_prepare)

    p = sub.add_parser("ingest", help="find events, areas and flows in text files and store them")
    p.add_argument("files", nargs="+", metavar="FILE", help=".txt, .md or .html (JSON/YAML sidecar "
                                                             "with the same stem may hold metadata)")
    p.add_argument("--title")
    p.add_argument("--published", help="publication date, YYYY-MM-DD")
    p.add_argument("--source")
    p.add_argument("--url")
    p.add_argument("--store", help="GeoPackage store (default: CONFLICTMAP_STORE)")
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("events", help="write the store's events with ACLED-like column names")
    p.add_argument("--format", choices=("geojson", "csv"), default="csv")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--store", help="GeoPackage store (default: CONFLICTMAP_STORE)")
    p.set_defaults(func=_cmd_events)

    p = sub.add_parser("import", help="check and import an ACLED, UCDP GED, events, flows or areas file")
    p.add_argument("file", help="CSV, GeoJSON or GeoPackage")
    p.add_argument("--kind", choices=ingest.KINDS, help="default: detected from the suffix and header")
    p.add_argument("--column", action="append", default=[], metavar="STORE=FILE",
                   help="map a file column onto a store column (csv, flows, areas), e.g. "
                        "--column event_date=Date --column location=Town; repeatable")
    p.add_argument("--dataset", help="source dataset recorded on every row (default: the kind)")
    p.add_argument("--country", help="ISO code of the country place names are looked up in first")
    p.add_argument("--encoding", default="utf-8", help="text encoding of a CSV (default utf-8)")
    p.add_argument("--layer", help="GeoPackage layer holding the areas (default: the first)")
    p.add_argument("--valid-only", action="store_true", help="import the valid rows when others have problems")
    p.add_argument("--check", action="store_true", help="check and report only; write nothing")
    p.add_argument("--store", help="GeoPackage store (default: CONFLICTMAP_STORE)")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("export", help="export a view as a map image, report, HTML map or data file")
    p.add_argument("--format", required=True, choices=("png", "svg", "pdf", "report", "html", "geojson", "csv"))
    p.add_argument("--out", required=True, help="file to write")
    p.add_argument("--page", default="a4-landscape", choices=("a4-landscape", "a4-portrait", "slide"))
    p.add_argument("--dpi", type=int, default=200, help="PNG resolution, dots per inch (default 200)")
    p.add_argument("--title", help="map title (default: names the country)")
    p.add_argument("--store", help="GeoPackage store (default: CONFLICTMAP_STORE)")
    # the dashboard URL's query parameters, one option each (lists joined with "|")
    for key, what in (("from", "first date, YYYY-MM-DD"), ("to", "last date, YYYY-MM-DD"),
                      ("type", "event types"), ("actor", "actors"), ("admin1", "provinces"),
                      ("admin2", "districts"), ("doc", "document ids"), ("conf", "minimum confidence 0..1"),
                      ("layers", "layers shown: choropleth|heat|areas|flows|events|sites"),
                      ("lat", "map centre, degrees north"), ("lon", "map centre, degrees east"),
                      ("zoom", "map zoom level 1..18")):
        p.add_argument(f"--{key}", dest=f"query_{key}", metavar="VALUE", help=what)
    p.set_defaults(func=_cmd_export)

    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except (ValueError, OSError, StoreError) as exc:
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


def _cmd_parse(args: argparse.Namespace) -> int:
    from geo import geoparse
    with open(args.file, "rb") as f:
        places = geoparse.parse(f.read())
    table = pd.DataFrame([{"start": p.start, "end": p.end, "surface": p.surface, "name": p.name,
                           "latitude": p.latitude, "longitude": p.longitude, "level": p.level,
                           "country_code": p.country_code, "admin1": p.admin1, "admin2": p.admin2,
                           "confidence": round(p.confidence, 2), "evidence": p.evidence}
                          for p in places])
    if args.format == "table":
        text = "no places found" if table.empty else table.drop(columns="evidence").to_string(index=False)
    elif args.format == "csv":
        text = table.to_csv(index=False)
    else:
        points = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(
            table.get("longitude", []), table.get("latitude", [])), crs="EPSG:4326")
        text = points.to_json(drop_id=True)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        print(text)
    return 0


def _cmd_prepare(args: argparse.Namespace) -> int:
    from geo import gazetteer, settings
    from geo.store import Store, ensure_seeded

    boundaries.prepare()
    gazetteer.load()
    print(f"indexes ready in {settings.CACHE_DIR}")
    store = Store()
    seeded = ensure_seeded(store, settings.DATA_DIR / "articles")
    if seeded:
        print(f"store {store.path} was empty: ingested {len(seeded)} shipped article(s)")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    columns = dict(item.split("=", 1) for item in args.column if "=" in item)
    if len(columns) != len(args.column):
        raise ValueError(f"--column takes STORE=FILE, not {args.column!r}")
    result = ingest.read(args.file, kind=args.kind, columns=columns or None, source_dataset=args.dataset,
                         country=args.country, encoding=args.encoding, layer=args.layer)
    print(result.summary())
    if not result.problems.empty:
        shown = 20
        print(result.problems.head(shown).to_string(index=False))
        if len(result.problems) > shown:
            print(f"... and {len(result.problems) - shown} more problems")
    if args.check:
        return 0 if result.ok else 1
    if not result.ok and not args.valid_only:
        print(f"nothing imported: fix the file, or rerun with --valid-only to import the "
              f"{result.n_valid} valid rows", file=sys.stderr)
        return 1
    added = ingest.save(result, args.store, valid_only=args.valid_only)
    print(f"added {added[result.layer]} of {result.n_valid} {result.layer} "
          f"({result.n_valid - added[result.layer]} already stored)")
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from geo import events, store
    from geo.document import Document

    target = store.Store(args.store)
    for path in args.files:
        document = Document.from_file(path, title=args.title, published=args.published,
                                      source=args.source, url=args.url)
        summary, extraction = target.ingest(document)
        state = "stored" if summary.new else "already in the store, nothing changed"
        print(f"== {path} ({summary.doc_id}, {state})")
        if not len(extraction.places):
            print("no places found in this document")
        print(events.summary(extraction))
    print(f"store: {target.path}")
    return 0


def _cmd_events(args: argparse.Namespace) -> int:
    from geo import store

    text = store.export(store.Store(args.store), args.format, args.out)
    if text is not None:
        sys.stdout.write(text)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from geo import export, store

    query = {k[len("query_"):]: v for k, v in vars(args).items() if k.startswith("query_") and v is not None}
    export.export_store_view(store.Store(args.store), query, args.format, args.out, page=args.page,
                             dpi=args.dpi, title=args.title)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
