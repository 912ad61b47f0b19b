"""Serve the dashboard with its engine already loaded: ``python -m ui.serve [streamlit options]``.

``streamlit run`` imports the engine (geopandas, folium, the boundaries) only
when the first visitor opens a page, who then waits several seconds more than
everyone after.  This launcher builds the default view once, in the server's
own process, before it starts listening; Streamlit runs the pages in that
process, so the first visit finds the modules imported and the boundary
caches filled.  It does not watch the source files for changes (a served
dashboard is not being edited; ``streamlit run app.py`` does, for
development).  Options after the module name go to ``streamlit run``
unchanged (``--server.port 8502``, ``--server.address 0.0.0.0``,
``--server.fileWatcherType auto``).
"""
from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    """Warm the engine, then hand over to ``streamlit run app.py`` with ``argv`` as its options."""
    warm()
    from streamlit.web import cli

    # No source watching: a served dashboard is not being edited, and watching every imported
    # module's file cost the server 0.4-0.6 CPU s during a first visit (bench/bench_map.py).
    # An option given on the command line comes later and wins.
    sys.argv = ["streamlit", "run", str(APP), "--server.fileWatcherType", "none",
                *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


def warm() -> float:
    """Fill the pages' caches and render the overview's default map once, on the configured store.

    Returns
    -------
    float
        Seconds spent (imports included), printed for the operator.
    """
    start = time.perf_counter()
    # Not streamlit_folium: a Streamlit component declared before the runtime exists draws a blank
    # frame (ui.view imports it when a map is shown).
    from geo import maps
    from geo.layers import Filters
    from geo.store import Store, StoreError
    from ui import view

    try:
        store = Store()
    except StoreError as exc:
        print(f"conflictmap: not warmed ({exc}); the page will say what is wrong", file=sys.stderr)
        return time.perf_counter() - start
    if not store.is_empty():
        view.warm(store)
        filters = Filters()
        maps.make_map(view.built(store, filters), filters).get_root().render()
    # Streamlit collects garbage after every page run; the engine's long-lived objects (gazetteer,
    # boundaries, caches) made each collection hold the interpreter for 0.1-0.2 s, while the
    # browser waited for the map's files from this same process.  Frozen, collections skip them.
    gc.freeze()
    spent = time.perf_counter() - start
    print(f"conflictmap: engine loaded in {spent:.1f} s; starting the dashboard", file=sys.stderr)
    return spent


if __name__ == "__main__":
    sys.exit(main())
