"""Writes of the AMI app, one module per part of the candidate journey."""

from ami.services import (
    authoring,
    convention,
    decision,
    eligibility,
    evaluation,
    intake,
    questions,
    rectificatif,
    reminders,
    states,
    submission,
)

__all__ = [
    "authoring",
    "convention",
    "decision",
    "eligibility",
    "evaluation",
    "intake",
    "questions",
    "rectificatif",
    "reminders",
    "states",
    "submission",
]
