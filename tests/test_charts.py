"""The timeline chart: events per period stacked by event type, in the maps' colours."""
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from geo import charts, style


def _counts() -> pd.DataFrame:
    return pd.DataFrame({"Riots": [1, 3], "Battles": [2, 0]},
                        index=pd.DatetimeIndex(["2014-06-01", "2014-07-01"], name="period"))


def test_bars_stack_event_types_in_the_map_colours():
    ax = charts.timeline_figure(_counts(), "month").axes[0]
    bars = {}
    for patch in ax.patches:
        bars.setdefault(to_hex(patch.get_facecolor()), []).append((patch.get_y(), patch.get_height()))
    battles, riots = style.EVENT_TYPES["Battles"][0].lower(), style.EVENT_TYPES["Riots"][0].lower()
    assert bars[battles] == [(0, 2), (0, 0)]
    assert bars[riots] == [(2, 1), (0, 3)]            # stacked on top of the battles
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Battles", "Riots"]
    assert ax.get_ylabel() == "Events per month"


def test_unknown_event_type_is_drawn_in_the_other_colour():
    counts = pd.DataFrame({"Looting": [4]}, index=pd.DatetimeIndex(["2014-06-02"]))
    ax = charts.timeline_figure(counts, "week").axes[0]
    assert to_hex(ax.patches[0].get_facecolor()) == style.OTHER_EVENT[0]
    assert ax.get_ylabel() == "Events per week"


def test_png_and_bad_period():
    assert charts.to_png(charts.timeline_figure(_counts())).startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="'day'"):
        charts.timeline_figure(_counts(), "day")
