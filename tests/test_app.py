"""The dashboard's entry page renders on the shipped data (Streamlit AppTest)."""
from streamlit.testing.v1 import AppTest


def test_app_renders_without_exception():
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "conflictmap"
