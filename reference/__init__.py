"""Reference material: solutions (`NN_name.py`), checks (`NN_name_checks.py`) and the ordered `course.toml`."""
