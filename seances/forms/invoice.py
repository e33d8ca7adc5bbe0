"""The invoice forms: the generated invoice's numbering prefix, VAT number and payment terms; an uploaded PDF."""

from django import forms


class InvoiceGenerateForm(forms.Form):
    prefixe = forms.CharField(
        label="Préfixe de numérotation",
        max_length=20,
        help_text="Suivi du compteur de vos factures, sans trou (par exemple « FA-2026- » donne FA-2026-0001).",
        error_messages={"required": "Indiquez le préfixe de numérotation de vos factures."},
    )
    numero_tva = forms.CharField(
        label="Numéro de TVA intracommunautaire",
        max_length=20,
        required=False,
        help_text="Obligatoire si vous êtes assujetti à la TVA (par exemple FR40303265045).",
    )
    conditions_paiement = forms.CharField(
        label="Conditions de paiement",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Celles de votre dossier par défaut ; le délai (« à 30 jours ») donne l'échéance.",
    )


class InvoiceUploadForm(forms.Form):
    fichier = forms.FileField(
        label="Votre facture au format Factur-X (PDF)",
        error_messages={"required": "Choisissez le PDF Factur-X de votre facture."},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
