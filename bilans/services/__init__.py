"""Writes of the bilans app, one module per subject: opening, writing and remise, review (comments,
validation), the anonymity threshold k, the réunion de bilan, the PDF export (a mlhg_app.StoredExport),
the reminders, their emails, and the one function that changes a bilan's status (state.py).

brouillon → remis (a frozen version; the responsable is emailed) → commenté (comments per section; the
prestataire replies and revises, then remits a new version) → validé. Who may do what is checked here,
on the server: the views only call these functions. No import circle with the tasks: bilans.tasks
imports only notifications and reminders (which queue nothing); state, review and reunion import
bilans.tasks at their top and queue its jobs after commit.
"""
