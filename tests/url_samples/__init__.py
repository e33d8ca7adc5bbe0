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
