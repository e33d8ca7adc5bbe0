"""The one refusal type and how views show it."""

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from mlhg_app.refusals import Refused, refusal_as_message


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_refusal_inside_the_block_becomes_the_message_and_skips_the_rest():
    request, done = _request(), []
    with refusal_as_message(request):
        raise Refused("Les lettres ont déjà été envoyées.", field="justification")
        done.append("after")  # never reached
    assert [str(m) for m in get_messages(request)] == ["Les lettres ont déjà été envoyées."]
    assert done == []


def test_a_block_without_refusal_runs_to_its_end_and_adds_no_message():
    request, done = _request(), []
    with refusal_as_message(request):
        done.append("service")
        done.append("success")
    assert done == ["service", "success"]
    assert list(get_messages(request)) == []
