"""Regenerate the UCDP GED sample in ``data/samples`` from ``../shared/eval``.

Run from the repository root::

    python data/build_samples.py [--shared ../shared]

The source is UCDP GED events for Pakistan as JSON lines; the sample keeps
the events of 2009 and 2010 and writes them in UCDP's own CSV layout (its
column names, in its column order, for the columns the source carries), so
that importing it exercises the same path as a file downloaded from
https://ucdp.uu.se/downloads/.  UCDP data is CC BY 4.0: the attribution is in
``data/samples/README.md``.  The program itself never reads ``../shared``.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

#: UCDP GED CSV columns, in the order of UCDP's downloads (those missing from the source are left out).
UCDP_COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
    "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original",
    "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude",
    "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
    "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best",
    "high", "low", "gwnoa", "gwnob",
]
#: Years kept in the sample (the Swat and South Waziristan operations).
YEARS = (2009, 2010)
SAMPLE = "ucdp_ged_pakistan_2009_2010.csv"


def build_ucdp_sample(shared: Path) -> Path:
    """Write ``data/samples/ucdp_ged_pakistan_2009_2010.csv``; return its path."""
    events = pd.read_json(shared / "eval" / "ucdp_ged_pakistan_dev.jsonl", lines=True, dtype=False)
    events = events[events["year"].isin(YEARS)].sort_values(["date_start", "id"], kind="stable")
    out = HERE / "samples" / SAMPLE
    out.parent.mkdir(exist_ok=True)
    events[[c for c in UCDP_COLUMNS if c in events.columns]].to_csv(out, index=False)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared",
                    help="folder holding eval/ (default: ../shared)")
    print(build_ucdp_sample(ap.parse_args().shared))


if __name__ == "__main__":
    main()
