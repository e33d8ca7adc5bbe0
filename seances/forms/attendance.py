"""The attendance form: who was present, and the signed sheet's scan."""

from django import forms

from seances.forms.fields import optional_checkboxes
from seances.selectors import group_members
from seances.services.attendance import check_sheet


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.last_name.upper()} {obj.first_name}".strip() or obj.email


class AttendanceForm(forms.Form):
    presents = optional_checkboxes(
        label="Présents", help_text="Cochez les membres du groupe présents à la séance.", field_class=MemberChoiceField
    )
    feuille = forms.FileField(
        label="Feuille d'émargement signée (facultatif)",
        required=False,
        help_text="Le scan ou la photo de la feuille signée : PDF, JPEG ou PNG, 10 Mo au plus.",
    )

    def __init__(self, *args, seance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presents"].queryset = group_members(seance)

    def clean_feuille(self):
        uploaded = self.cleaned_data.get("feuille")
        if not uploaded:
            return None
        return check_sheet(uploaded)
