"""PLACEHOLDER until the dossier sections land: replaced by the real completeness rules."""

from dataclasses import dataclass, field


@dataclass
class SectionState:
    code: str
    numero: int
    titre: str
    missing: list = field(default_factory=list)
    complete: bool = True
    url: str = ""


def dossier_completeness(dossier) -> list[SectionState]:
    missing = [] if dossier.presentation else ["la présentation"]
    return [SectionState("structure", 1, "1. Structure", missing, not missing)]


def dossier_is_complete(dossier) -> bool:
    return all(s.complete for s in dossier_completeness(dossier))
