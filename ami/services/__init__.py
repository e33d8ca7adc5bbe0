"""Writes of the AMI app, one module per part of the candidate journey."""

from ami.services import decision, eligibility, evaluation, rectificatif, reminders, states, submission

__all__ = ["decision", "eligibility", "evaluation", "rectificatif", "reminders", "states", "submission"]
