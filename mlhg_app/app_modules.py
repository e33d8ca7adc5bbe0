"""Each installed app's module of one name (`<app>.demo`, `<app>.reference`), for the commands that
reach every app without importing it by name (docs/architecture.md: the apps depend one way)."""

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def app_modules(name: str) -> Iterator[ModuleType]:
    """`<app>.<name>` of every installed app that has one, in `INSTALLED_APPS` order (an error inside
    such a module is raised, not taken for its absence)."""
    for app in apps.get_app_configs():
        if module_has_submodule(app.module, name):
            yield importlib.import_module(f"{app.name}.{name}")
