"""The one refusal type and how views show it."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from mlhg_app.refusals import ActionView, Refused, refusal_as_form_error, refusal_as_message


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


class _ReasonForm(forms.Form):
    justification = forms.CharField()


def test_a_refusal_on_a_form_goes_on_its_field_and_skips_the_rest():
    form, done = _ReasonForm({"justification": "trop tard"}), []
    assert form.is_valid()
    with refusal_as_form_error(form):
        raise Refused("La justification ne suffit pas.", field="justification")
        done.append("after")  # never reached
    assert form.errors == {"justification": ["La justification ne suffit pas."]}
    assert done == []


def test_a_refusal_about_no_field_of_the_form_is_the_whole_form_s_error():
    form = _ReasonForm({"justification": "trop tard"})
    assert form.is_valid()
    with refusal_as_form_error(form):
        raise Refused("La séance est déjà annulée.", field="motif")
    assert form.non_field_errors() == ["La séance est déjà annulée."]


class _Action(ActionView):
    refuse = ""

    def has_permission(self):
        return True  # who may act is each view's own declaration (tests/test_access.py)

    def act(self, request):
        if self.refuse:
            raise Refused(self.refuse)
        return "C'est fait."

    def redirect_url(self):
        return "/fait/"

    def refused_url(self):
        return "/refuse/"


def test_an_action_says_its_success_and_goes_to_its_page():
    request = _request()
    response = _Action.as_view()(request)
    assert (response.status_code, response.url) == (302, "/fait/")
    assert [str(m) for m in get_messages(request)] == ["C'est fait."]


def test_a_refused_action_says_why_and_goes_to_its_refused_page():
    request = _request()
    response = _Action.as_view(refuse="Cochez la case de confirmation.")(request)
    assert (response.status_code, response.url) == (302, "/refuse/")
    messages = list(get_messages(request))
    assert [(str(m), m.level_tag) for m in messages] == [
        ("Cochez la case de confirmation.", "danger")
    ]  # messages.ERROR, Bootstrap's name


def test_an_action_answers_post_only():
    request = RequestFactory().get("/")
    assert _Action.as_view()(request).status_code == 405
