"""Form fields the séances' forms share."""

from django import forms


def optional_checkboxes(*, label, help_text, field_class=forms.ModelMultipleChoiceField):
    """Objects to tick (none required) among a queryset the form's `__init__` sets for its séance."""
    return field_class(
        label=label, queryset=None, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )
