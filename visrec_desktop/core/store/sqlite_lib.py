"""sqlite-utils, imported without pandas.

sqlite-utils imports pandas whenever it is installed (sqlite_utils/db.py), for helpers this app
never uses; with the publisher extra (Ray Data brings pandas and pyarrow) that would cost every
start about 0.5 s and 250 MB. pandas is hidden while sqlite-utils loads; a later
`import pandas` (the Ray build) works as usual.
"""

import sys

_HIDE_PANDAS = "pandas" not in sys.modules
if _HIDE_PANDAS:
    sys.modules["pandas"] = None  # type: ignore[assignment]  # `import pandas` raises
try:
    import sqlite_utils
finally:
    if _HIDE_PANDAS and "pandas" in sys.modules and sys.modules["pandas"] is None:
        del sys.modules["pandas"]

__all__ = ["sqlite_utils"]
