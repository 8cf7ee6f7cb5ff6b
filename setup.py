"""Only what pyproject.toml cannot say: the top-level `patterns/` folder ships inside the wheel
as the data package `pipeline.patterns_data` (pyproject's `packages` is a list or a `find`, not
both). Everything else about the project is in pyproject.toml."""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["pipeline", "pipeline.*"]) + ["pipeline.patterns_data"],
      package_dir={"pipeline.patterns_data": "patterns"})
