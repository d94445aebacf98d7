"""Cases shipped with the tool: the default case workbook (package data, found with
importlib.resources) and the script that generates it (``build_default_case.py``)."""
