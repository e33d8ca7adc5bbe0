"""Writes of the AMI app, one module per part of the candidate journey."""

from ami.services import eligibility, evaluation, reminders, submission

__all__ = ["eligibility", "evaluation", "reminders", "submission"]
