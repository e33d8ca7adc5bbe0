"""The bench's smallest data set, for the tests that build it (tests/test_bench_queries.py,
tests/test_bench_report.py)."""

from bench.data import Sizes

SMALL = Sizes(amis=1, dossiers=1, graded=1, conseillers=2, groupes=1, seances=3, messages=5)
