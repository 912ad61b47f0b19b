"""Charts of the records (not maps), drawn with matplotlib, offline.

``timeline_figure`` draws the events per week or month that
``geo.layers.timeline`` counts, stacked by event type in the colours the maps
use (``geo.style.EVENT_TYPES``), so that a colour means the same thing on the
timeline as on the map.  The dashboard shows it as an image: a picture costs
the browser far less to show than an interactive chart library.
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # offline, no display: set before pyplot is imported anywhere

import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from geo import style  # noqa: E402

#: Width of a bar, in days, per period: a little less than the period, so bars stay apart.
_BAR_DAYS = {"week": 5.5, "month": 25.0}


def timeline_figure(counts: pd.DataFrame, freq: str = "month", size_in: tuple[float, float] = (10.0, 2.4)
                    ) -> Figure:
    """Events per period as bars stacked by event type.

    Parameters
    ----------
    counts : DataFrame
        From ``geo.layers.timeline``: index the first day of each period, one
        column per event type, values numbers of events.
    freq : {"week", "month"}
        The period ``counts`` were taken over (labels the axis, sizes the bars).
    size_in : (float, float)
        Width and height of the figure, inches.

    Returns
    -------
    matplotlib.figure.Figure
        With a legend of the event types and the y axis in events per ``freq``.
    """
    if freq not in _BAR_DAYS:
        raise ValueError(f"unknown timeline period {freq!r}; expected 'week' or 'month'")
    fig = Figure(figsize=size_in, layout="constrained")
    ax = fig.add_subplot()
    dates = pd.DatetimeIndex(counts.index).to_pydatetime()
    bottom = np.zeros(len(counts))
    # known types in the maps' legend order first, so stacks read the same way everywhere
    order = [t for t in style.EVENT_TYPES if t in counts.columns] + \
        [t for t in counts.columns if t not in style.EVENT_TYPES]
    for event_type in order:
        values = counts[event_type].to_numpy(dtype=float)
        ax.bar(dates, values, width=_BAR_DAYS[freq], bottom=bottom, align="edge", label=event_type,
               color=style.EVENT_TYPES.get(event_type, style.OTHER_EVENT)[0], linewidth=0)
        bottom += values
    ax.set_ylabel(f"Events per {freq}")
    ax.yaxis.get_major_locator().set_params(integer=True)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if order:
        ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def to_png(fig: Figure, dpi: int = 144) -> bytes:
    """``fig`` as PNG bytes at ``dpi`` dots per inch."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
