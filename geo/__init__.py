"""conflictmap's engine: text in, places, events and maps out.

Nothing in this package imports streamlit, so every path is usable from the
command line (``python -m geo``) and from tests.
"""

__version__ = "0.1.0"
