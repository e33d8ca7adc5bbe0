"""Writes of the AMI app, one module per part of the candidate journey."""

from ami.services import (
    authoring,
    decision,
    eligibility,
    evaluation,
    questions,
    rectificatif,
    reminders,
    states,
    submission,
)

__all__ = [
    "authoring",
    "decision",
    "eligibility",
    "evaluation",
    "questions",
    "rectificatif",
    "reminders",
    "states",
    "submission",
]
