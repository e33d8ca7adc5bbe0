"""The tests (pytest, `make test`). Where things are:

- tests/ami/, tests/seances/, tests/bilans/, tests/mlhg_app/: the tests of one app each;
- tests/test_*.py at the top: what crosses the apps (every URL and role, security headers, start-up,
  the states of every stateful model, RGPD purges, fuzzed uploads, query counts, this layout);
- tests/e2e/: the browser journeys (Playwright, marker `e2e`);
- support modules, never collected: factories.py (a factory_boy factory per model the tests create,
  PASSWORD, ROLES), committee.py (the AMI 2026 committee and its grades), dossiers.py (a complete
  dossier), seances_world.py (a programme with its groups and séances), web.py (login, flash),
  access.py (the URL samples and what a rule allows), forms.py (form data), processes.py (real
  processes), real_services.py (PostgreSQL / Redis required), url_samples/ (one sample per URL);
- fixtures shared by several folders live in tests/conftest.py; a test module never imports another
  (tests/test_layout.py).
"""
