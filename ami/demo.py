"""Demo data of the AMI: four candidates with submitted dossiers, one dossier received by email
(its .eml built here) and recorded by staff, a draft that missed the deadline, the convention sent and
signed with an avenant awaiting its signature, and a demonstration AMI open today so that the portal
can be tried."""

import datetime
import io
import zipfile
from decimal import Decimal
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ami.demo_committee import load_committee
from ami.models import (
    AMI,
    Decision,
    Dossier,
    EtapeDeroule,
    Fichier,
    Intervenant,
    Membre,
    Prestataire,
    Question,
    Reference,
    siret_is_valid,
)
from ami.reference import REFERENCE
from ami.services.authoring import (
    ami_create,
    ami_jalons_save,
    ami_publish,
    ami_sections_save,
    ami_update,
    shift_years,
)
from ami.services.convention import avenant_create, convention_send, signed_copy_upload
from ami.services.decision import convention_create, decision_make, letters_send
from ami.services.dossier import dossier_fields_save, dossier_start, fichier_add
from ami.services.eligibility import amis_close_past_deadline, dossier_set_eligibility
from ami.services.evaluation import evaluation_declare, evaluation_get_or_create, evaluation_save, evaluation_submit
from ami.services.intake import intake_identify, intake_record_eml, intake_seal
from ami.services.questions import question_answer_save, question_ask, question_publish
from ami.services.rectificatif import ami_deadline_postpone, ami_rectify, sections_of
from ami.services.submission import dossier_submit
from mlhg_app.demo import DEMO_PASSWORD, at, ensure_user
from mlhg_app.models import Antenne, User

PARIS = ZoneInfo("Europe/Paris")

CANDIDATS = [
    {
        "raison_sociale": "Horizons Supervision",
        "statut": "SARL",
        "siret": "73282932000074",
        "adresse": ("24 rue Alsace-Lorraine", "31000", "Toulouse"),
        "contact": ("Claire", "Delmas", "contact@horizons-supervision.demo", "05 61 22 48 10"),
        "presentation": (
            "Horizons Supervision est un cabinet toulousain de psychologues du travail créé en 2011. "
            "Nous accompagnons les équipes du travail social et de l'insertion dans l'analyse de leurs pratiques."
        ),
        "activite": "Analyse de pratiques professionnelles, supervision d'équipes, prévention des risques psychosociaux.",
        "approche": Dossier.Approche.CODEV,
        "intervenants": [
            ("Marc", "Olivier", Intervenant.Qualification.PSYCHOLOGUE, 14, 7),
            ("Anne", "Sabatier", Intervenant.Qualification.CODEV, 9, 7),
        ],
        "prix": (Decimal("480.00"), Decimal("430.00")),
        "tva": (Dossier.RegimeTVA.ASSUJETTI, Decimal("20.00"), ""),
        "couverture": 7,
        "depot": datetime.datetime(2026, 5, 27, 16, 42, 8, tzinfo=PARIS),
    },
    {
        "raison_sociale": "Pyrène Psychologie du Travail",
        "statut": "Entreprise individuelle",
        "siret": "44306184100047",
        "adresse": ("3 place Jean Jaurès", "31800", "Saint-Gaudens"),
        "contact": ("Isabelle", "Ferrer", "i.ferrer@pyrene-psy.demo", "05 61 89 07 33"),
        "presentation": "Psychologue du travail installée en Comminges depuis 2008, formée à la méthode Balint.",
        "activite": "Groupes Balint pour soignants et travailleurs sociaux, supervision individuelle.",
        "approche": Dossier.Approche.BALINT,
        "intervenants": [("Isabelle", "Ferrer", Intervenant.Qualification.PSYCHOLOGUE, 16, 7)],
        "prix": (Decimal("420.00"), Decimal("420.00")),
        "tva": (Dossier.RegimeTVA.EXONERE, None, "TVA non applicable, art. 293 B du CGI"),
        "couverture": 7,
        "depot": datetime.datetime(2026, 5, 29, 23, 41, 55, tzinfo=PARIS),
    },
    {
        "raison_sociale": "Coopérative Tisser Liens",
        "statut": "SCOP SA",
        "siret": "55208131766522",
        "adresse": ("5 avenue de l'Europe", "31520", "Ramonville-Saint-Agne"),
        "contact": ("Bruno", "Lopez", "bruno.lopez@tisser-liens.demo", "05 34 31 60 12"),
        "presentation": "Coopérative de formateurs et de superviseurs intervenant en Occitanie depuis 2015.",
        "activite": "Supervision collective, formation des professionnels de l'accompagnement.",
        "approche": Dossier.Approche.SUPERVISION,
        "intervenants": [
            ("Bruno", "Lopez", Intervenant.Qualification.SUPERVISEUR, 11, 4),
            ("Samia", "Kaci", Intervenant.Qualification.PSYCHOLOGUE, 6, 4),
        ],
        "prix": (Decimal("510.00"), Decimal("460.00")),
        "tva": (Dossier.RegimeTVA.ASSUJETTI, Decimal("20.00"), ""),
        "couverture": 7,
        "depot": datetime.datetime(2026, 5, 22, 10, 5, 31, tzinfo=PARIS),
    },
    {
        "raison_sociale": "Regards Croisés Occitanie",
        "statut": "Association loi 1901",
        "siret": "40483304800022",
        "adresse": ("11 rue des Tanneurs", "31600", "Muret"),
        "contact": ("Hélène", "Roques", "h.roques@regards-croises.demo", "05 61 51 20 44"),
        "presentation": "Association d'analyse de pratiques fondée par des éducateurs et des psychologues.",
        "activite": "Groupes d'entraînement à l'analyse de situations éducatives (GEASE).",
        "approche": Dossier.Approche.AUTRE,
        "intervenants": [("Hélène", "Roques", Intervenant.Qualification.AUTRE, 8, 6)],
        "prix": (Decimal("390.00"), Decimal("350.00")),
        "tva": (Dossier.RegimeTVA.EXONERE, None, "TVA non applicable, article 261-7-1° du CGI"),
        "couverture": 7,
        "depot": datetime.datetime(2026, 5, 28, 18, 20, 2, tzinfo=PARIS),
    },
]

DEROULE = [
    ("Accueil, météo du groupe et rappel du cadre", 15),
    ("Exposé d'une situation par un participant", 20),
    ("Questions de clarification du groupe", 25),
    ("Hypothèses et pistes d'action", 40),
    ("Retour de l'exposant et clôture", 20),
]

# Every candidate's two references: (structure, year, contact, what was done).
REFERENCES = [
    (
        "Mission Locale de l'Ariège",
        2024,
        "Direction, 05 61 00 00 00",
        "Six groupes d'analyse de pratiques par an pour les conseillers.",
    ),
    ("CCAS de Blagnac", 2025, "Responsable du pôle social", "Supervision mensuelle de l'équipe d'accompagnement."),
]


def _siret_ok(siret: str) -> str:
    if not siret_is_valid(siret):
        raise ValueError(f"SIRET de démonstration invalide : {siret}")
    return siret


def _cv_pdf(prenom: str, nom: str, qualification: str, annees: int) -> bytes:
    from weasyprint import HTML  # late: heavy, and only the demo's CVs need it (as mlhg_app.pdf)

    html = (
        f"<html lang='fr'><body style='font-family: DejaVu Sans'><h1>{prenom} {nom}</h1>"
        f"<p>{qualification} – {annees} ans d'expérience en analyse de pratiques professionnelles.</p>"
        "<h2>Expériences</h2><ul><li>Animation de groupes d'analyse de pratiques en Mission Locale</li>"
        "<li>Supervision d'équipes éducatives et sociales</li><li>Prévention des risques psychosociaux</li></ul>"
        "</body></html>"
    )
    return HTML(string=html).write_pdf()


def _attach(dossier, kind, name, content, intervenant=None):
    """Attach a file through the portal's own service (content checks, hash, size)."""
    fichier_add(dossier=dossier, upload=SimpleUploadedFile(name, content), kind=kind, intervenant=intervenant)


def _organisation(data) -> tuple[Prestataire, User]:
    rue, cp, ville = data["adresse"]
    first, last, email, phone = data["contact"]
    prestataire, _ = Prestataire.objects.get_or_create(
        siret=_siret_ok(data["siret"]),
        defaults={
            "raison_sociale": data["raison_sociale"],
            "statut_juridique": data["statut"],
            "adresse": rue,
            "code_postal": cp,
            "ville": ville,
            "contact_nom": f"{first} {last}",
            "contact_telephone": phone,
        },
    )
    user, _ = ensure_user(User.Role.PRESTATAIRE, email, first, last)
    Membre.objects.get_or_create(user=user, defaults={"prestataire": prestataire, "email_verified_at": timezone.now()})
    return prestataire, user


def _fill(dossier: Dossier, data, antennes):
    """The candidate's sections, saved as the portal saves them (`dossier_fields_save`); a draft with
    `"sections": 1` has only its presentation written."""
    first = {"presentation": data["presentation"], "statut_juridique": data["statut"]}
    if data.get("sections") == 1:
        dossier_fields_save(dossier=dossier, values={**first, "activite": data.get("activite", "")})
        return
    tva_regime, tva_taux, mention = data["tva"]
    groupe, sous_groupe = data["prix"]
    values = {
        **first,
        "activite": data["activite"],
        "references_resume": "Missions Locales, CCAS, associations d'insertion et structures de l'ESS.",
        "approche": data["approche"],
        "approche_autre": "GEASE (groupe d'entraînement à l'analyse de situations éducatives)"
        if data["approche"] == Dossier.Approche.AUTRE
        else "",
        "justification": "La méthode part d'une situation réelle apportée par un conseiller et mobilise le groupe "
        "pour l'éclairer sans jugement ; elle convient aux équipes exposées à une charge émotionnelle forte.",
        "posture": "Garant du cadre et du temps, non directif, bienveillant, sans lien hiérarchique avec le groupe.",
        "garantie_cadre": "Règles de confidentialité, de parole et de temps posées et rappelées à chaque séance.",
        "garantie_non_jugement": "Charte de non-jugement ; l'animateur reformule et protège l'exposant.",
        "garantie_intelligence_collective": "Tours de questions, d'hypothèses et de suggestions : chacun contribue.",
        "garantie_problematique": "Chaque séance part d'une situation vécue, choisie par le groupe parmi celles proposées.",
        "prix_seance_groupe": groupe,
        "prix_seance_sous_groupe": sous_groupe,
        "regime_tva": tva_regime,
        "taux_tva": tva_taux,
        "mention_exoneration": mention,
        "modalites_facturation": "Facturation après chaque période (trimestre), paiement à 30 jours par virement.",
        "demarrage_septembre": True,
        "demarrage_commentaire": "Disponibles dès la première quinzaine de septembre 2026.",
    }
    dossier_fields_save(dossier=dossier, values=values, antennes=antennes[: data["couverture"]], disponibilites=True)
    for ordre, (libelle, minutes) in enumerate(DEROULE):
        EtapeDeroule.objects.create(dossier=dossier, ordre=ordre, libelle=libelle, duree_minutes=minutes)
    for ordre, (prenom, nom, qualification, annees, nb_antennes) in enumerate(data["intervenants"]):
        intervenant = Intervenant.objects.create(
            dossier=dossier,
            prenom=prenom,
            nom=nom,
            qualification=qualification,
            qualification_autre="Éducatrice spécialisée, formée à l'animation de GEASE"
            if qualification == Intervenant.Qualification.AUTRE
            else "",
            annees_experience_app=annees,
            ordre=ordre,
        )
        intervenant.antennes.set(antennes[:nb_antennes] if nb_antennes < 7 else antennes)
        label = Intervenant.Qualification(qualification).label
        _attach(
            dossier,
            Fichier.Kind.CV,
            f"cv-{prenom.lower()}-{nom.lower()}.pdf",
            _cv_pdf(prenom, nom, label, annees),
            intervenant,
        )
    for structure, annee, contact, description in REFERENCES:
        Reference.objects.create(
            dossier=dossier, structure=structure, annee=annee, contact=contact, description=description
        )


def _staff() -> User:
    return User.objects.get(email="direction@demo.ml31.org")


def ami_from(source: AMI, *, reference: str, titre: str, published: datetime.datetime, deadline, jalons) -> AMI:
    """A demo AMI drafted from `source` a week before `published` (`ami_create`: its text and criteria),
    its calendar `jalons` ([(libelle, quand, date)]), published at `published` (`ami_publish`)."""
    staff = _staff()
    with at(published - datetime.timedelta(days=7)):
        ami = ami_create(
            source=source,
            reference=reference,
            titre=titre,
            annee=published.year,
            date_publication=published.date(),
            date_limite=deadline,
            by=staff,
        )
        rows = [{"libelle": libelle, "quand": quand, "date": date} for libelle, quand, date in jalons]
        ami_jalons_save(ami=ami, rows=rows, by=staff)
    with at(published):
        return ami_publish(ami=ami, by=staff)


def dossier_draft(ami: AMI, data, antennes, *, when: datetime.datetime) -> tuple[Dossier, User]:
    """The candidate of `data` registers and starts its dossier at `when` (`dossier_start`), then fills it."""
    with at(when):
        prestataire, user = _organisation(data)
        dossier, created = dossier_start(ami=ami, prestataire=prestataire)
        if created:
            _fill(dossier, data, antennes)
    return dossier, user


def _open_demo_ami(today, source: AMI) -> AMI:
    """A demonstration AMI open for 30 days, so that a newcomer can try the portal."""
    ami = AMI.objects.filter(reference="ami-demonstration").first()
    if ami is not None:
        return ami
    published = datetime.datetime.combine(today - datetime.timedelta(days=7), datetime.time(9), tzinfo=PARIS)
    return ami_from(
        source,
        reference="ami-demonstration",
        titre="AMI de démonstration – analyse de pratiques (dépôt ouvert)",
        published=published,
        # Published with 23 days; a rectificatif (below) postpones it to 30.
        deadline=datetime.datetime.combine(
            today + datetime.timedelta(days=23), datetime.time(23, 59, 59), tzinfo=PARIS
        ),
        jalons=[("Date limite de réception des candidatures", "dans 30 jours", None)],
    )


# The AMI 2026's own calendar (seed): published 27 April, closed at its deadline (the scheduled job, a second
# later), dossiers started in May (ten days before their deposit).
PUBLISHED = datetime.datetime(2026, 4, 27, 9, 0, tzinfo=PARIS)
DRAFT_DAYS = 10


def load(*, today) -> list[tuple[str, str, str]]:
    ami = AMI.objects.get(reference=REFERENCE)
    antennes = list(Antenne.objects.filter(structure=ami.structure, kind=Antenne.Kind.ANTENNE))
    accounts = []
    evaluateurs = User.objects.filter(structure=ami.structure, role=User.Role.EVALUATEUR)
    ami.evaluateurs.add(*evaluateurs)
    fresh = ami.status == AMI.Status.BROUILLON and not ami.dossiers.exists()
    if fresh:  # published on its publication day, through the publication service (version 1 of its text)
        with at(PUBLISHED):
            ami = ami_publish(ami=ami, by=_staff())
    for data in CANDIDATS:
        if fresh:
            dossier, user = dossier_draft(ami, data, antennes, when=data["depot"] - datetime.timedelta(days=DRAFT_DAYS))
            with at(data["depot"]):
                dossier_submit(dossier=dossier, user=user)
        else:
            _prestataire, user = _organisation(data)
        accounts.append((user.role, user.email, DEMO_PASSWORD))
    # A draft started three days before the deadline that missed it: never submitted.
    if fresh:
        late, late_user = dossier_draft(
            ami, LATE_DRAFT, antennes, when=datetime.datetime(2026, 5, 26, 14, 10, tzinfo=PARIS)
        )
    else:
        _late, late_user = _organisation(LATE)
    accounts.append((late_user.role, late_user.email, DEMO_PASSWORD))
    if ami.status == AMI.Status.PUBLIE:  # what the scheduled job does, the second after the deadline
        with at(ami.date_limite + datetime.timedelta(seconds=1)):
            amis_close_past_deadline()
    if fresh:
        _intake(ami, antennes)
        _select(ami)
        _convention_life(ami)

    # A complementary AMI closed five days ago, its committee at work (the evaluators' grids to fill).
    load_committee(today=today, source=ami, antennes=antennes)

    # An open demonstration AMI where the demo prestataire has a draft in progress.
    demo_ami = _open_demo_ami(today, ami)
    dossier_draft(demo_ami, {**CANDIDATS[0], "sections": 1}, antennes, when=timezone.now() - datetime.timedelta(days=2))
    if not demo_ami.rectificatifs.exists() and demo_ami.is_open():
        # A dated rectificatif, told to the candidate with a draft (its email lands in var/mail/).
        ami_deadline_postpone(
            ami=demo_ami,
            new_deadline=demo_ami.date_limite + datetime.timedelta(days=7),
            motif="Report d'une semaine à la demande de candidats, pour tenir compte des congés de fin d'année.",
            by=_staff(),
        )
    _questions(demo_ami)
    _next_year_draft(ami)
    return accounts


LATE = {
    "raison_sociale": "Atelier Parenthèse",
    "statut": "SAS",
    "siret": "48219376500013",
    "adresse": ("8 allée Jean Jaurès", "31000", "Toulouse"),
    "contact": ("Vincent", "Morel", "v.morel@atelier-parenthese.demo", "06 12 34 56 78"),
}
LATE_DRAFT = {**LATE, "presentation": "Cabinet de coaching d'équipes.", "sections": 1}


# Three answered questions (published to all, rewritten) and one pending for staff to answer.
QUESTIONS = [
    (
        "contact@horizons-supervision.demo",
        "Bonjour, chez Horizons Supervision nous avons deux psychologues : pouvons-nous nous répartir les sites ?",
        "Un candidat peut-il répartir les sites entre plusieurs intervenants ?",
        "Oui. L'AMI demande de couvrir les 7 sites, par un intervenant unique ou par une équipe ; "
        "indiquez dans votre dossier quel intervenant couvre quelle antenne.",
    ),
    (
        "i.ferrer@pyrene-psy.demo",
        "Je suis exonérée de TVA (art. 293 B) : dois-je quand même indiquer un prix TTC ?",
        "Comment présenter la proposition financière d'un candidat exonéré de TVA ?",
        "Indiquez vos prix HT, le régime « exonéré » et la mention légale d'exonération : le coût annuel "
        "comparé est ce que la MLHG paie réellement, soit votre prix sans TVA.",
    ),
    (
        "bruno.lopez@tisser-liens.demo",
        "Pour la Coopérative Tisser Liens : une séance en sous-groupe peut-elle être facturée moins cher ?",
        "Le prix d'une séance en sous-groupe peut-il différer de celui d'une séance en groupe complet ?",
        "Oui : la proposition financière distingue le prix d'une séance en groupe complet et celui d'une "
        "séance en sous-groupe ; chaque séance en sous-groupe compte comme une séance à part entière.",
    ),
]
PENDING_QUESTION = (
    "contact@horizons-supervision.demo",
    "Les séances peuvent-elles se tenir dans nos locaux à Toulouse pour les antennes proches ?",
)


def _questions(demo_ami: AMI):
    """The demo AMI's questions and answers, through the services (answers emailed to its candidates)."""
    if Question.objects.filter(ami=demo_ami).exists() or not demo_ami.questions_open():
        return
    staff = User.objects.get(email="direction@demo.ml31.org")
    now = timezone.now()
    for days_ago, (email, texte, rewritten, reponse) in zip([6, 5, 3], QUESTIONS, strict=True):
        asked = now - datetime.timedelta(days=days_ago)
        question = question_ask(ami=demo_ami, user=User.objects.get(email=email), texte=texte, now=asked)
        question_answer_save(question=question, question_publiee=rewritten, reponse=reponse, by=staff)
        question_publish(question=question, by=staff, now=asked + datetime.timedelta(days=1))
    # The third answer, written into the text itself by a rectificatif (version 3 of the text).
    sections = sections_of(demo_ami)
    for section in sections:
        if section["code"] == "dossier":
            section["texte"] += (
                "\n\nLa proposition financière distingue le prix d'une séance en groupe complet et celui d'une "
                "séance en sous-groupe (précision apportée par la réponse à la question n° 3)."
            )
    ami_rectify(
        ami=demo_ami,
        motif="Précision sur la proposition financière, suite à la question n° 3.",
        by=staff,
        sections=sections,
    )
    email, texte = PENDING_QUESTION
    question_ask(ami=demo_ami, user=User.objects.get(email=email), texte=texte, now=now - datetime.timedelta(hours=5))


def _next_year_draft(current: AMI):
    """Next year's AMI, a draft created from this year's: staff see the authoring pages and the preview."""
    reference = f"ami-app-{current.annee + 1}"
    if AMI.objects.filter(reference=reference).exists():
        return
    ami_create(
        source=current,
        reference=reference,
        titre=shift_years(current.titre, 1),
        annee=current.annee + 1,
        date_limite=current.date_limite.replace(year=current.date_limite.year + 1),
        by=User.objects.get(email="direction@demo.ml31.org"),
    )


# The committee's grids: (méthodologie, expérience, couverture) per evaluator (Karim Benali, Hélène Marty,
# Sophie Lacombe: by email), in CANDIDATS order.
GRIDS = {
    "73282932000074": [(9, 8, 10), (8, 8, 9), (9, 7, 10)],  # Horizons Supervision
    "44306184100047": [(7, 9, 6), (6, 9, 7), (8, 8, 6)],  # Pyrène Psychologie du Travail
    "55208131766522": [(6, 7, 8), (7, 6, 8), (5, 7, 9)],  # Coopérative Tisser Liens
    "40483304800022": [(5, 6, 7), (9, 6, 7), (6, 5, 8)],  # Regards Croisés Occitanie (a disagreement)
}
# What each evaluator wrote, in the same order: each reads the dossier in its own words.
COMMENTS = {
    "73282932000074": [
        (
            "Codéveloppement bien décrit, déroulé en cinq temps précis ; la situation part toujours d'un participant.",
            "Deux psychologues du travail expérimentées, dont une formée au codéveloppement : solide.",
            "Les sept antennes couvertes par les deux intervenants, avec un planning de déplacements réaliste.",
        ),
        (
            "Méthode rigoureuse et cadre posé dès la première séance ; j'aurais aimé un exemple de séance vécue.",
            "Références en Mission Locale et en CCAS convaincantes ; CV complets.",
            "Couverture complète ; le Comminges est prévu dans la même tournée que le Sud Garonne.",
        ),
        (
            "Approche très adaptée à nos équipes ; la posture non directive de l'animateur est bien argumentée.",
            "Expérience réelle de l'insertion ; l'équipe de deux permet de remplacer un intervenant absent.",
            "Tous les sites, y compris les plus éloignés, sans surcoût de déplacement annoncé.",
        ),
    ],
    "44306184100047": [
        (
            "Méthode Balint maîtrisée, mais pensée pour des soignants : son adaptation aux conseillers reste à montrer.",
            "Seize ans de pratique et une formation Balint reconnue : l'expérience la plus longue des candidats.",
            "Une seule intervenante pour sept sites : le calendrier sera tendu au premier trimestre.",
        ),
        (
            "Déroulé un peu vague sur le temps de clôture ; le cadre de confidentialité est en revanche clair.",
            "Très expérimentée en supervision individuelle comme en groupe.",
            "Couverture annoncée, mais aucun remplacement prévu en cas d'absence.",
        ),
        (
            "La place laissée au récit de la situation est intéressante pour des équipes qui se connaissent peu.",
            "Parcours cohérent ; la connaissance du Comminges est un atout.",
            "Les antennes du nord de l'agglomération sont loin de son cabinet de Saint-Gaudens.",
        ),
    ],
    "55208131766522": [
        (
            "Supervision collective plus proche de la formation que de l'analyse de pratiques.",
            "Deux superviseurs formés, mais peu de références en Mission Locale.",
            "Sept sites couverts ; les déplacements depuis Ramonville sont raisonnables.",
        ),
        (
            "Le déroulé est complet, mais la problématique semble parfois choisie par l'animateur.",
            "Équipe jeune : une intervenante n'a que six ans d'expérience en analyse de pratiques.",
            "Bonne couverture, avec deux intervenants pour se répartir les antennes.",
        ),
        (
            "Méthode peu détaillée sur la posture : le risque d'un glissement vers le conseil est réel.",
            "Expérience surtout dans la formation des professionnels, moins dans l'animation de groupes.",
            "Engagement clair sur chacune des antennes, calendrier de déplacements fourni.",
        ),
    ],
    "40483304800022": [
        (
            "Le GEASE est une démarche intéressante, mais le dossier ne dit pas comment elle s'adapte à nos métiers.",
            "Intervenante éducatrice spécialisée, formée au GEASE ; pas de qualification de psychologue.",
            "Couverture annoncée depuis Muret, sans détail sur les antennes les plus éloignées.",
        ),
        (
            "Excellente description du GEASE, proche de ce que vivent les conseillers ; déroulé exemplaire.",
            "Expérience réelle, mais une seule intervenante pour tout le programme.",
            "Les sept sites sont couverts ; la proximité du Muretain est un plus.",
        ),
        (
            "Démarche éducative plus que d'analyse de pratiques ; le cadre du non-jugement est peu développé.",
            "Huit ans d'expérience, références limitées à des structures éducatives.",
            "Couverture correcte, mais le calendrier proposé pour le Comminges reste flou.",
        ),
    ],
}


def grid_submit(*, dossier, evaluateur, criteres, scores, comments):
    """An evaluator declares no conflict, scores each criterion with its comment and submits."""
    evaluation_declare(dossier=dossier, user=evaluateur, conflit=False)
    evaluation = evaluation_get_or_create(dossier=dossier, user=evaluateur)
    evaluation_save(
        evaluation=evaluation,
        scores={c.pk: (s, text) for c, s, text in zip(criteres, scores, comments, strict=True)},
    )
    evaluation_submit(evaluation=evaluation)


def _select(ami: AMI):
    """Eligibility (3 June), the three evaluators' grids (5 to 8 June), the decision, the letters and the
    convention (22 June 2026)."""
    staff = _staff()
    evaluateurs = list(User.objects.filter(structure=ami.structure, role=User.Role.EVALUATEUR).order_by("email"))
    criteres = list(ami.criteres.filter(mode="note").order_by("ordre"))
    with at(datetime.datetime(2026, 6, 3, 10, 0, tzinfo=PARIS)):
        for dossier in ami.dossiers.filter(status=Dossier.Status.DEPOSE).select_related("prestataire"):
            siret = dossier.prestataire.siret
            if siret in GRIDS:
                dossier_set_eligibility(dossier=dossier, recevable=True, user=staff)
            else:
                dossier_set_eligibility(
                    dossier=dossier,
                    recevable=False,
                    motif=Dossier.Motif.COUVERTURE,
                    detail="L'Antenne Ouest n'est pas couverte.",
                    user=staff,
                )
    for day, (siret, grids) in enumerate(GRIDS.items(), start=5):
        dossier = ami.dossiers.get(prestataire__siret=siret)
        for hour, (evaluateur, scores, comments) in enumerate(
            zip(evaluateurs, grids, COMMENTS[siret], strict=False), start=10
        ):
            with at(datetime.datetime(2026, 6, day, hour, 0, tzinfo=PARIS)):
                grid_submit(dossier=dossier, evaluateur=evaluateur, criteres=criteres, scores=scores, comments=comments)
    if Decision.objects.filter(ami=ami).exists():
        return
    winner = ami.dossiers.get(prestataire__siret="73282932000074")
    with at(datetime.datetime(2026, 6, 22, 11, 0, tzinfo=PARIS)):
        decision = decision_make(ami=ami, user=staff, dossier=winner, justification="")
        letters_send(decision=decision, user=staff)
        convention_create(decision=decision, user=staff)


# -- a dossier received by email (seed §7.3: « à l'adresse mlhg@ml31.org ») ----------------------------

PAR_COURRIEL = {
    "raison_sociale": "Garonne Médiation",
    "statut": "SARL",
    "siret": "51234876000012",
    "adresse": ("17 quai de Tounis", "31000", "Toulouse"),
    "contact": ("Sophie", "Marty", "s.marty@garonne-mediation.demo", "05 61 25 70 18"),
    "presentation": "Cabinet de médiateurs et de psychologues du travail, intervenant auprès des équipes sociales.",
    "activite": "Analyse de pratiques, médiation d'équipe, formation à l'écoute active.",
    "approche": Dossier.Approche.CODEV,
    "intervenants": [("Sophie", "Marty", Intervenant.Qualification.PSYCHOLOGUE, 10, 6)],
    "prix": (Decimal("465.00"), Decimal("415.00")),
    "tva": (Dossier.RegimeTVA.ASSUJETTI, Decimal("20.00"), ""),
    "couverture": 6,
}


def demo_eml() -> bytes:
    """The message Garonne Médiation sent to mlhg@ml31.org on 29 May 2026 (Date 21:14:02, received 21:14:37),
    with its dossier in PDF and a ZIP of annexes that the portal's checks refuse."""
    message = EmailMessage()
    message["Received"] = (
        "from smtp.garonne-mediation.demo (smtp.garonne-mediation.demo [198.51.100.7]) by mx.ml31.org (Postfix) "
        "with ESMTPS id 7C3D2E1; Fri, 29 May 2026 21:14:37 +0200"
    )
    message["Received"] = (
        "from [10.0.0.12] by smtp.garonne-mediation.demo (Postfix) with ESMTPSA id 91AB; Fri, 29 May 2026 21:14:05 +0200"
    )
    message["From"] = "Sophie Marty <s.marty@garonne-mediation.demo>"
    message["To"] = "MLHG <mlhg@ml31.org>"
    message["Subject"] = "Candidature – AMI Analyse de pratiques professionnelles 2026"
    message["Date"] = "Fri, 29 May 2026 21:14:02 +0200"
    message["Message-ID"] = "<20260529211402.4242@garonne-mediation.demo>"
    message.set_content(
        "Madame, Monsieur,\n\nVeuillez trouver ci-joint le dossier de candidature de Garonne Médiation "
        "à votre appel à manifestation d'intérêt.\n\nSophie Marty, gérante"
    )
    message.add_attachment(
        _cv_pdf("Garonne", "Médiation", "Dossier de candidature", 10),
        maintype="application",
        subtype="pdf",
        filename="Dossier candidature Garonne Médiation.pdf",
    )
    message.add_attachment(
        _cv_pdf("Sophie", "Marty", "Psychologue du travail", 10),
        maintype="application",
        subtype="pdf",
        filename="CV Sophie Marty.pdf",
    )
    annexes = io.BytesIO()
    with zipfile.ZipFile(annexes, "w") as archive:
        archive.writestr("references.txt", "Mission Locale de l'Ariège (2024), CCAS de Blagnac (2025).")
    message.add_attachment(annexes.getvalue(), maintype="application", subtype="zip", filename="annexes.zip")
    return message.as_bytes()


def _intake(ami: AMI, antennes):
    """Staff record the dossier received by email on Monday 1 June 2026, type its six parts and seal it."""
    staff = User.objects.get(email="direction@demo.ml31.org")
    if ami.depots_courriel.exists():
        return
    rue, cp, ville = PAR_COURRIEL["adresse"]
    first, last, _email, phone = PAR_COURRIEL["contact"]
    with at(datetime.datetime(2026, 6, 1, 9, 30, tzinfo=PARIS)):
        depot = intake_record_eml(ami=ami, upload=SimpleUploadedFile("candidature.eml", demo_eml()), user=staff)
        organisation = {
            "siret": _siret_ok(PAR_COURRIEL["siret"]),
            "raison_sociale": PAR_COURRIEL["raison_sociale"],
            "statut_juridique": PAR_COURRIEL["statut"],
            "adresse": rue,
            "code_postal": cp,
            "ville": ville,
            "contact_nom": f"{first} {last}",
            "contact_telephone": phone,
        }
        dossier = intake_identify(depot=depot, organisation=organisation, user=staff)
        _fill(dossier, PAR_COURRIEL, antennes)
        intake_seal(depot=depot, user=staff)


# The avenant of 20 November 2026: the prices revised from 4 January 2027.
AVENANT = {"objet": "Révision annuelle des prix au 1er janvier 2027 (article 4 de la convention)."}
AVENANT |= {"date_effet": datetime.date(2027, 1, 4), "prix_seance_groupe": Decimal("495.00")}
AVENANT |= {"prix_seance_sous_groupe": Decimal("445.00")}


def _convention_life(ami: AMI):
    """The convention sent on 23 June, signed by Horizons Supervision on 30 June (its PDF uploaded back), and
    an avenant (prices from 4 January 2027) sent on 20 November, awaiting the prestataire's signature."""
    convention = getattr(Decision.objects.filter(ami=ami).first(), "convention", None)
    if convention is None or convention.sent_at is not None:
        return
    staff = User.objects.get(email="direction@demo.ml31.org")
    claire = User.objects.get(email="contact@horizons-supervision.demo")
    with at(datetime.datetime(2026, 6, 23, 10, 0, tzinfo=PARIS)):
        convention_send(convention=convention, user=staff)
    with at(datetime.datetime(2026, 6, 30, 15, 20, tzinfo=PARIS)):
        with convention.fichier.open("rb") as handle:
            signed = SimpleUploadedFile(f"{convention.numero}-signee.pdf", handle.read())
        signed_copy_upload(document=convention, upload=signed, user=claire)
    with at(datetime.datetime(2026, 11, 20, 11, 0, tzinfo=PARIS)):
        avenant = avenant_create(convention=convention, user=staff, **AVENANT)
        convention_send(convention=avenant, user=staff)


# The second structure's own call (issue 19): published ten days ago, open for twenty more, answered by
# Horizons Supervision, the same provider as MLHG's (its organisation and accounts are shared, its dossier is not).
SECOND_REFERENCE = "ami-app-mlap"
SECOND_SECTIONS = [
    (
        "Présentation de la Mission Locale Ariège-Pyrénées",
        "La Mission Locale Ariège-Pyrénées accompagne les jeunes de 16 à 25 ans depuis son siège de Foix et ses "
        "trois antennes de Pamiers, Saint-Girons et Lavelanet.",
    ),
    (
        "Objet de l'appel à manifestation d'intérêt",
        "La Mission Locale Ariège-Pyrénées cherche un prestataire pour animer des réunions d'Analyse de Pratiques "
        "Professionnelles destinées aux conseillers de ses trois antennes, hors présence hiérarchique.",
    ),
    (
        "Volumétrie",
        "3 sites ; 3 séances minimum par site et par an ; chaque séance dure 2 heures ; jusqu'à 12 personnes par "
        "groupe.\n\nLe volume minimal de la prestation est donc de **9 séances par an**.",
    ),
]


def _second_ami(today, staff: User) -> AMI:
    """The second structure's call, written and published by its direction through the services."""
    published = datetime.datetime.combine(today - datetime.timedelta(days=10), datetime.time(9), tzinfo=PARIS)
    deadline = datetime.datetime.combine(today + datetime.timedelta(days=20), datetime.time(23, 59, 59), tzinfo=PARIS)
    structure = staff.structure
    with at(published - datetime.timedelta(days=7)):
        ami = ami_create(
            reference=SECOND_REFERENCE,
            titre=f"Analyse de Pratiques Professionnelles – {structure.nom} {published.year}",
            annee=published.year,
            date_publication=published.date(),
            date_limite=deadline,
            by=staff,
        )
        values = {"nb_sites": 3, "taille_max_groupe": 12, "contact_nom": staff.get_full_name()}
        ami = ami_update(ami=ami, values={**values, "contact_email": structure.courriel_contact}, by=staff)
        rows = [{"code": "", "titre": titre, "texte": texte} for titre, texte in SECOND_SECTIONS]
        ami_sections_save(ami=ami, rows=rows, by=staff)
        jalons = [("Date limite de réception des candidatures", f"{deadline:%d/%m/%Y}", deadline.date())]
        ami_jalons_save(ami=ami, rows=[{"libelle": a, "quand": b, "date": c} for a, b, c in jalons], by=staff)
    with at(published):
        return ami_publish(ami=ami, by=staff)


def load_second(*, today) -> list[tuple[str, str, str]]:
    """The second structure's call and Horizons Supervision's dossier, submitted five days ago (in its scope;
    idempotent). Its accounts are mlhg_app.demo's."""
    staff = User.objects.get(email="direction@mlap.demo")
    ami = AMI.objects.filter(structure=staff.structure, reference=SECOND_REFERENCE).first()
    if ami is None:
        ami = _second_ami(today, staff)
        antennes = list(Antenne.objects.filter(structure=ami.structure, kind=Antenne.Kind.ANTENNE))
        ami.evaluateurs.add(*User.objects.filter(structure=ami.structure, role=User.Role.EVALUATEUR))
        started = timezone.now() - datetime.timedelta(days=8)
        dossier, user = dossier_draft(ami, CANDIDATS[0], antennes, when=started)
        with at(started + datetime.timedelta(days=3)):
            dossier_submit(dossier=dossier, user=user)
    return []
