"""Speed of ``geo.geoparse.parse``: documents and megabytes per second on one core.

Run ``python bench/bench_geoparse.py [FILE ...]``.  Without files it parses
the shipped articles repeated, and a built-in set of short wire paragraphs,
after loading the gazetteer, boundary indexes and the statistical recogniser
(whose load time it prints separately); then one 2 MB text of a wire sentence
repeated.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import geoparse, settings  # noqa: E402

#: Size (bytes) of the one long text parsed after the documents.
_LONG_BYTES = 2_000_000

_WIRE = [
    "MILITANTS KILL 12 IN NORTH WAZIRISTAN",
    "Gunmen attacked a checkpoint near Miram Shah in North Waziristan Agency on Tuesday, "
    "officials in Peshawar said.",
    "The sheriff's office in Laurel County, Ky., said the man was arrested in London on Monday.",
    "Police in Springfield, Ill., and Columbus, Ohio, reported no injuries.",
    "Shelling in the Neelum valley of Azad Kashmir killed two, Pakistan's army said.",
]


def main(files: list[str]) -> int:
    t0 = time.perf_counter()
    geoparse.load()
    load_s = time.perf_counter() - t0
    if files:
        texts = [Path(f).read_text(encoding="utf-8", errors="replace") for f in files]
    else:
        articles = [p.read_text(encoding="utf-8") for p in sorted(
            (settings.DATA_DIR / "articles").glob("*.txt"))]
        # LGL-sized documents (about 2 kB): the articles cut into paragraphs' worth
        chunks = [a[i:i + 2000] for a in articles for i in range(0, len(a), 2000)]
        texts = (chunks + _WIRE) * 20
    t1 = time.perf_counter()
    n_places = sum(len(geoparse.parse(t)) for t in texts)
    dt = time.perf_counter() - t1
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"load {load_s:.2f} s; {len(texts)} docs, {mb:.2f} MB, {n_places} places in {dt:.2f} s: "
          f"{len(texts) / dt:.1f} docs/s, {mb / dt:.2f} MB/s")
    # One long text naming the same place again and again: the cost per mention.
    line = "Shelling near Peshawar went on. " * 16 + "\n"
    long_text = line * (_LONG_BYTES // len(line))
    t2 = time.perf_counter()
    n_long = len(geoparse.parse(long_text))
    dt = time.perf_counter() - t2
    print(f"one text of {len(long_text) / 1e6:.1f} MB, {n_long} places in {dt:.2f} s: "
          f"{len(long_text) / 1e6 / dt:.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
