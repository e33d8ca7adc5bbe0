"""Writes of the AMI app, one module per part of the candidate journey."""

from ami.services import reminders, submission

__all__ = ["reminders", "submission"]
