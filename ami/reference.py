"""The AMI 2026 as published by the MLHG (seed §1–§9)."""

import datetime
from zoneinfo import ZoneInfo

from ami.models import AMI, Critere, Jalon, SectionAMI
from mlhg_app.reference import mlhg_structure

PARIS = ZoneInfo("Europe/Paris")
REFERENCE = "ami-app-2026"

CRITERES = [
    ("methodologie", "Qualité et pertinence de la proposition méthodologique", 40, Critere.Mode.NOTE),
    ("experience", "Expérience et qualifications des intervenants", 30, Critere.Mode.NOTE),
    ("couverture", "Capacité à couvrir l'ensemble des sites", 15, Critere.Mode.NOTE),
    ("prix", "Proposition financière", 15, Critere.Mode.CALCULE),
]

JALONS = [
    ("Publication de l'AMI", "27 avril 2026", datetime.date(2026, 4, 27)),
    ("Date limite de réception des candidatures", "29 mai 2026", datetime.date(2026, 5, 29)),
    ("Analyse des candidatures et sélection", "Début juin 2026", None),
    ("Notification aux candidats", "Fin juin 2026", None),
    ("Démarrage de la prestation", "Septembre 2026", None),
    ("Première séance sur chaque site", "Septembre / octobre 2026", None),
    ("Bilan de la 1ère année de prestation", "Juin 2027", None),
]

# The AMI's text (seed §1–§7.1 and §9), shown on its public page. Blocks are separated by a
# blank line; "- " and "1. " lines make lists, "## " a sub-heading, **…** bold.
SECTIONS = [
    (
        "presentation",
        "Présentation de la Mission Locale Haute-Garonne",
        """La Mission Locale Haute-Garonne (MLHG) est une association loi 1901 qui accompagne dans leur insertion sociale et professionnelle des jeunes de 16 à 25 ans (jusqu'à 29 ans pour les jeunes en situation de handicap) sur le territoire haut-garonnais, hors Toulouse.

Elle accompagne chaque année plus de 11 000 jeunes dans la construction de leur parcours vers l'emploi et l'autonomie, en mobilisant une approche globale intégrant les dimensions professionnelle, sociale, de santé et de citoyenneté.

Son maillage territorial est composé de :

- **1 siège social** — Toulouse (6-8 boulevard Florence Arthaud, 31200 Toulouse)
- **7 antennes territoriales :**

- Antenne Nord-Est — 14, Route de Fronton 31140 Aucamville
- Antenne Nord-Ouest — 21 Avenue d'Andromède 31700 Blagnac
- Antenne Muretain — 18 Rue Adolphine Bonnet 31600 Muret
- Antenne Lauragais — Rue du Village d'Entreprises, 25 Rue Pierre Gilles de Gennes – Bâtiment 10 – 31670 Labège
- Antenne Comminges — 7 Boulevard Pasteur 31800 Saint-Gaudens
- Antenne Sud Garonne — 32 Ter Place de la République 31390 Carbonne
- Antenne Ouest — 6 Avenue Edouard Serres 31770 Colomiers

La MLHG a été labellisée en mai 2024 et reconnue Opérateur du Repérage et de la Remobilisation (O2R) depuis novembre 2024, au travers de son dispositif REMOJEUNES. L'effectif de l'association est de 150 salariés au 31/12/2025.

Son Projet Associatif de Structure, validé en décembre 2023, lie la qualité de vie au travail des professionnels avec la qualité de l'accompagnement offert aux jeunes.""",
    ),
    (
        "contexte",
        "Contexte et justification de la démarche",
        """## Un public de plus en plus vulnérable
Les diagnostics socio-économiques territoriaux réalisés par la MLHG mettent en évidence une évolution significative du profil des jeunes accueillis : public de plus en plus jeune (26 % de mineurs parmi les premiers accueils), faiblement qualifié (plus de la moitié sans diplôme), et présentant des situations de vulnérabilité croissante sur les plans social, familial et psychologique. Nous avons la perception d'un public qui présente de plus en plus des problématiques de santé mentale ; de plus, même si le nombre d'incidents sur le terrain reste peu élevé au vu du nombre de jeunes accompagnés, ceux-ci sont en augmentation (2 informations transmises à la Direction tous les 2 mois en moyenne).

## Un impact sur les équipes professionnelles
Face à cette complexité croissante des situations, les professionnels de la Mission Locale, et en particulier les conseillers en insertion, sont exposés à des risques psychosociaux (RPS) liés notamment à :

- La charge émotionnelle inhérente à l'accueil de publics en grande fragilité ;
- La difficulté à trouver des réponses adaptées à des situations de plus en plus complexes ;
- L'isolement face à des situations sans solution évidente.

## Un engagement institutionnel formalisé
Dans le cadre de la Négociation Annuelle Obligatoire (NAO) signée en janvier 2026, la Direction et les représentants du personnel ont acté la nécessité d'augmenter le nombre de réunions d'Analyse de Pratiques Professionnelles (APP) et d'en améliorer la qualité, comme levier de prévention des RPS et de soutien à la qualité de vie au travail.

Cet engagement s'inscrit pleinement dans notre Projet Associatif de Structure de la MLHG, qui est « un outil évolutif, qui doit nous permettre de progresser ensemble tout en répondant à 2 questions : comment mieux travailler ici en Mission Locale, pour et avec les jeunes ? et Comment mieux travailler ensemble ? ».""",
    ),
    (
        "objet",
        "Objet de l'appel à manifestation d'intérêt",
        """La Mission Locale Haute-Garonne lance un Appel à Manifestation d'Intérêt (AMI) afin d'identifier un prestataire en capacité d'organiser et d'animer des réunions d'Analyse de Pratiques Professionnelles (APP) sur l'ensemble de ses 7 sites territoriaux.""",
    ),
    (
        "objectifs",
        "Objectifs poursuivis",
        """Les réunions d'APP visent à :

- **Prévenir les risques psychosociaux** en offrant aux professionnels un espace structuré, bienveillant et sécurisé pour exprimer et analyser les situations complexes rencontrées ;
- **Renforcer les compétences professionnelles** par le partage d'expériences, l'analyse collective et la co-construction de réponses adaptées ;
- **Favoriser la cohésion d'équipe** et le sentiment de soutien collectif ;
- **Améliorer la qualité de l'accompagnement** proposé aux jeunes, en soutenant les professionnels dans leur posture et leurs pratiques.""",
    ),
    (
        "prestation",
        "Description de la prestation attendue",
        """## Public concerné
Les séances d'APP sont destinées aux conseillers en insertion professionnelle de chaque site. Elles se tiennent hors présence hiérarchique, afin de garantir la liberté de parole et la sécurité psychologique des participants.

## Volumétrie
7 sites ; 3 séances minimum par site et par an ; chaque séance dure 2 heures ; la taille des groupes varie selon les sites, jusqu'à 17 personnes ; des sous-groupes sont possibles si l'effectif du site le justifie.

Important concernant les sous-groupes : lorsque l'effectif d'un site nécessite une division en sous-groupes, chaque séance avec un sous-groupe est comptabilisée comme une séance à part entière. Le prestataire devra en tenir compte dans sa proposition tarifaire.

Le volume minimal de la prestation est donc de **21 séances par an** (3 séances × 7 sites), susceptible d'être augmenté selon la taille des équipes sur certains sites.

## Modalités d'organisation
- Les séances se tiennent en présentiel sur chaque site ;
- Elles sont réparties de manière régulière sur l'année, à raison d'une séance par trimestre hors période estivale (soit juin, octobre/novembre, février/mars à titre indicatif) ;
- La planification précise est établie en concertation avec le responsable de secteur référent de la MLHG.""",
    ),
    (
        "methode",
        "Approche méthodologique",
        """Le prestataire est libre de proposer l'approche méthodologique qu'il juge la plus adaptée (analyse de pratiques de type Balint, codéveloppement professionnel, supervision collective, ou autre). Il devra présenter et justifier sa méthode dans sa réponse.

La méthode retenue devra garantir :

- Un cadre structuré et sécurisant ;
- Une posture de non-jugement et de bienveillance ;
- La mobilisation de l'intelligence collective du groupe ;
- Une problématique posée par un membre du groupe comme point de départ de chaque séance.""",
    ),
    (
        "restitution",
        "Restitution et bilan",
        """Le prestataire produira, en fin de chaque année de prestation, un **bilan annuel anonymisé** remis au responsable de secteur référent de la MLHG. Ce document pourra contenir :

- Les grandes thématiques abordées (de manière agrégée et anonyme) ;
- Des points d'attention ou recommandations générales ;
- Des préconisations pour améliorer la qualité des séances à venir.

Une réunion de bilan annuel entre le prestataire et le responsable de secteur référent de la MLHG sera organisée à la remise de ce document.""",
    ),
    (
        "profil",
        "Profil du prestataire attendu",
        """## Compétences et qualifications
Le prestataire devra justifier :

- D'une **expérience avérée** dans l'animation de réunions d'Analyse de Pratiques Professionnelles ;
- De **qualifications adaptées** à l'exercice (psychologue du travail, superviseur, praticien certifié en codéveloppement ou méthode équivalente) ;
- De la capacité à intervenir sur **l'ensemble des 7 sites** du territoire haut-garonnais, que ce soit via un intervenant unique ou une équipe d'intervenants.

## Éléments appréciés (non éliminatoires)
- Connaissance du public jeune en insertion ;
- Références auprès de structures similaires (Missions Locales, associations d'insertion, structures de l'ESS, etc.) ;
- Expérience dans le champ de la prévention des risques psychosociaux.""",
    ),
    (
        "dossier",
        "Contenu du dossier de candidature",
        """Les candidats sont invités à adresser un dossier comprenant :

1. Présentation de la structure ou du professionnel : statut juridique, activité, références ;
2. Présentation de l'équipe d'intervenants : CV, qualifications, expériences en matière d'APP ;
3. Proposition méthodologique : description de l'approche retenue, déroulé type d'une séance, posture de l'intervenant ;
4. Références : expériences similaires, le cas échéant attestées par des lettres de recommandation ou contacts de structures références ;
5. Proposition financière : coût par séance (en distinguant si nécessaire séance en groupe complet / séance en sous-groupe), coût total annuel prévisionnel sur la base du volume minimal de 21 séances, et modalités de facturation ;
6. Disponibilités : capacité à démarrer en septembre 2026 et à couvrir l'ensemble des 7 sites.""",
    ),
    (
        "dispositions",
        "Dispositions générales",
        """- Le présent AMI ne constitue pas un marché public au sens strict. Il vise à identifier des prestataires qualifiés en vue d'une contractualisation.
- La Mission Locale Haute-Garonne se réserve le droit de ne pas donner suite à cet AMI ou de modifier son périmètre sans que les candidats puissent prétendre à une quelconque indemnité.
- Le financement de la prestation est assuré exclusivement par la Mission Locale Haute-Garonne.
- La prestation fait l'objet d'une convention de prestation de services entre la MLHG et le prestataire retenu.""",
    ),
]


def load(structure=None) -> list[str]:
    """Create the AMI 2026 with its criteria, calendar and text if missing; never overwrite edits."""
    changes = []
    structure = structure or mlhg_structure()
    ami = AMI.objects.filter(structure=structure, reference=REFERENCE).first()
    if ami is None:
        ami = AMI.objects.create(
            structure=structure,
            reference=REFERENCE,
            titre="Organisation de réunions d'Analyse de Pratiques Professionnelles – 2026",
            annee=2026,
            status=AMI.Status.BROUILLON,
            date_publication=datetime.date(2026, 4, 27),
            date_limite=datetime.datetime(2026, 5, 29, 23, 59, 59, tzinfo=PARIS),
            nb_sites=7,
            seances_par_site=3,
            duree_seance_heures=2,
            taille_max_groupe=17,
            sous_groupes_autorises=True,
            contact_nom="Murielle AVRIL",
            contact_telephone="06 80 12 20 07",
            contact_email="mlhg@ml31.org",
        )
        changes.append(f"AMI créé : {ami.titre}")
    for ordre, (code, libelle, poids, mode) in enumerate(CRITERES):
        _, created = Critere.objects.get_or_create(
            ami=ami, code=code, defaults={"libelle": libelle, "poids": poids, "mode": mode, "ordre": ordre}
        )
        if created:
            changes.append(f"critère créé : {libelle} ({poids} %)")
    if not ami.jalons.exists():
        for ordre, (libelle, quand, date) in enumerate(JALONS):
            Jalon.objects.create(ami=ami, ordre=ordre, libelle=libelle, quand=quand, date=date)
        changes.append(f"calendrier créé : {len(JALONS)} étapes")
    if not ami.sections.exists():
        for ordre, (code, titre, texte) in enumerate(SECTIONS):
            SectionAMI.objects.create(ami=ami, ordre=ordre, code=code, titre=titre, texte=texte)
        changes.append(f"texte de l'AMI créé : {len(SECTIONS)} sections")
    return changes
