"""The benchmark of Incident Desk at 10,000 to 1,000,000 incidents (``bench/run.py``)."""
