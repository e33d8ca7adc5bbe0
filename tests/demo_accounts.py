"""The demo's accounts the README lists (« Comptes de démonstration »), one per kind of user: the tests of the
demo and the French crawl log in as each."""

README_ACCOUNTS = [
    "direction@demo.ml31.org",
    "evaluatrice@demo.ml31.org",
    "responsable@demo.ml31.org",
    "contact@horizons-supervision.demo",
    "marc.olivier@horizons-supervision.demo",
    "manon.dupuy@demo.ml31.org",
]
