"""Writes of the AMI app, one module per part of the candidate journey."""
