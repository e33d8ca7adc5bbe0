"""Writes of the AMI app, one module per part of the candidate journey."""

from ami.services import (
    convention,
    decision,
    eligibility,
    evaluation,
    intake,
    rectificatif,
    reminders,
    states,
    submission,
)

__all__ = [
    "convention",
    "decision",
    "eligibility",
    "evaluation",
    "intake",
    "rectificatif",
    "reminders",
    "states",
    "submission",
]
