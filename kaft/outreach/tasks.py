"""The outreach tasks Celery's autodiscovery finds (it imports ``<app>.tasks`` only): each part
keeps its tasks in its own ``tasks_<part>.py``, imported here so a worker registers them."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

for _module in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _module.name.startswith("tasks_"):
        importlib.import_module(f"kaft.outreach.{_module.name}")
