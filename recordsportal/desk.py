"""The day's work on each home page (issue 15): what awaits the person, as counts that each link
to the list they count, and a few short lists.

Each app says what it has for a person in `<app>/desk.py`, a function `desk(user, role)`
returning a list of `Tile` and `Panel`; the home page gathers them in INSTALLED_APPS order, so
the core never imports an app (and nothing imports reports). Every app's function runs a fixed
number of queries whatever the number of rows, and counts only what the person may open (its
app's `visible_to`).
"""

from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

PROJECT_APPS = ("documents", "dossiers", "backlog", "reports")


@dataclass
class Tile:
    """One count on the home page and the list it counts."""

    label: str
    count: int | None
    url: str
    testid: str
    tone: str = "primary"  # "danger": something is late; "success": a target met; "muted": nothing to do
    note: str = ""  # a figure shown instead of a count ("83,2%"), or a remark under the count
    sub: str = ""  # a smaller line under the label ("chỉ tiêu ≥ 95%")


@dataclass
class Panel:
    """A short list under the tiles, rendered by its app's template."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    testid: str = ""


def _providers():
    for config in apps.get_app_configs():
        if config.name in PROJECT_APPS and find_spec(f"{config.name}.desk"):
            yield import_module(f"{config.name}.desk").desk


def desk_for(user, role) -> tuple[list[Tile], list[Panel]]:
    tiles, panels = [], []
    for provide in _providers():
        for entry in provide(user, role):
            (tiles if isinstance(entry, Tile) else panels).append(entry)
    for tile in tiles:
        if tile.count == 0:  # nothing waiting: grey, whatever it would be when something is
            tile.tone = "muted"
    return tiles, panels
