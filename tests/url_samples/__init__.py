"""Sample URL arguments for the URL-access test, one module per area.

Each module defines SAMPLES = {"namespace:name": callable(world) -> kwargs}.
`world` holds the users by role (`world["users"]`); a sample creates the
objects it needs, owned by those users (the prestataire user's organisation
owns the sample dossier), and may cache them in `world`.
"""

import importlib
import pkgutil


def all_samples() -> dict:
    samples = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        samples.update(module.SAMPLES)
    return samples


def pk_of(get):
    """The sample of a URL that takes the pk of the object `get(world)` returns."""
    return lambda world: {"pk": get(world).pk}


def each(sample, *names) -> dict:
    """One sample for several URLs: {name: sample} for each name."""
    return dict.fromkeys(names, sample)
