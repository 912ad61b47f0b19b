"""ui.view: what counts as the user moving the map (recorded in the URL and the share link)."""
from ui import view


def test_a_fitted_map_settling_is_no_move_but_a_pan_or_a_zoom_is():
    # measured in Chromium: the frame taking its height shifted a fitted map by under one pixel
    fitted = ({"lat": 29.56165, "lng": 70.13004}, 6)
    assert not view._moved(({"lat": 29.55435, "lng": 70.13672}, 6), fitted)
    assert view._moved(({"lat": 29.56165, "lng": 70.3}, 6), fitted)        # about eight pixels east
    assert view._moved(({"lat": 29.56165, "lng": 70.13004}, 7), fitted)
