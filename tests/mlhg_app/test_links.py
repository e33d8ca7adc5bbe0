"""mlhg_app.links.pk_url: the link of each row is the one `reverse` gives."""

from django.urls import reverse

from mlhg_app.links import pk_url


def test_a_pk_url_is_the_reversed_url_for_every_pk():
    evaluation, board = pk_url("ami:evaluation"), pk_url("seances:board")
    for pk in (1, 7, 10, 1002, 987654):
        assert evaluation(pk) == reverse("ami:evaluation", args=[pk])
        assert board(pk) == reverse("seances:board", args=[pk])
