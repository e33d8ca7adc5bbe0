"""Forms of the AMI app, one module per part of the journey (dossier, registration, evaluation, decision, …)."""
