"""The navigation: each role sees its own sections.

Later features add their entries to SECTIONS; an entry is shown when the user
holds its permission, so the menu and the access rules never disagree.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    permission: str
    description: str = ""


SECTIONS: list[Section] = [
    Section(
        _("Appels à manifestation d'intérêt"),
        "ami:list",
        "ami.read_dossiers",
        _("Les AMI publiés et les dossiers reçus, scellés jusqu'à la date limite."),
    ),
    Section(
        _("Rédaction des AMI"),
        "ami:authoring",
        "ami.author_ami",
        _("Créer l'AMI de l'année à partir du précédent, le publier, le rectifier ; les questions."),
    ),
    Section(
        _("Mes évaluations"),
        "ami:my_evaluations",
        "ami.evaluate",
        _("Les dossiers que vous notez, en toute indépendance."),
    ),
    Section(_("Appels à manifestation d'intérêt"), "ami:list", "ami.use_portal", _("Les appels ouverts et passés.")),
    Section(
        _("Programmes et planning"),
        "seances:programme_list",
        "seances.view_board",
        _("Le programme annuel, les groupes par site et le planning des séances."),
    ),
    Section(
        _("Mon organisation"),
        "ami:organisation",
        "ami.use_portal",
        _("Vos coordonnées et les comptes de vos collègues."),
    ),
    Section(
        _("Mes séances"),
        "seances:my_seances",
        "seances.view_own",
        _("Vos prochaines séances d'analyse de pratiques, leurs invitations et votre agenda."),
    ),
    Section(
        _("Bilans annuels"),
        "bilans:list",
        "bilans.view",
        _("Le bilan anonymisé de chaque année de séances : thèmes agrégés, recommandations, réunion de bilan."),
    ),
    Section(
        _("Personnes"),
        "people_list",
        "mlhg_app.manage_people",
        _("L'annuaire du personnel : inviter, modifier, désactiver, importer l'export RH."),
    ),
    Section(_("Sites"), "antenne_list", "mlhg_app.view_antennes", _("Le siège et les 7 antennes de la MLHG.")),
]


def sections_for(user) -> list[dict]:
    if user is None or not user.is_authenticated:
        return []
    out = []
    for section in SECTIONS:
        if not user.has_perm(section.permission):
            continue
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        out.append({"label": section.label, "url": url, "description": section.description})
    return out
