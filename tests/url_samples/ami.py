"""Samples for the AMI's URLs: an AMI past its deadline with the prestataire user's submitted dossier."""

from ami.models import Membre
from ami.services.submission import dossier_submit
from tests.dossiers import complete_dossier
from tests.factories import AMIFactory, MembreFactory, PrestataireFactory
from tests.url_samples import each, pk_of


def dossier(world):
    if "dossier" not in world:
        import time_machine

        users = world["users"]
        ami = AMIFactory(reference="ami-acces")
        ami.evaluateurs.add(users["evaluateur"])
        membre = Membre.objects.filter(user=users["prestataire"]).first()  # another sample may have made it
        prestataire = membre.prestataire if membre else PrestataireFactory()
        if membre is None:
            MembreFactory(user=users["prestataire"], prestataire=prestataire, email_verified_at=None)
        d = complete_dossier(ami=ami, prestataire=prestataire)
        with time_machine.travel(ami.date_limite, tick=False):
            dossier_submit(dossier=d, user=users["prestataire"])
        world["dossier"] = d
    return world["dossier"]


def fichier(world):
    return dossier(world).fichiers.get()


def _ami_reference(world):
    return {"reference": dossier(world).ami.reference}


_dossier = pk_of(dossier)


SAMPLES = {
    **each(_ami_reference, "ami:detail", "ami:dossier_start", "ami:staff_dossiers"),
    **each(lambda w: {"token": "jeton-invalide"}, "ami:verify_email", "ami:accept_invitation"),
    **each(_dossier, "ami:dossier", "ami:dossier_submit", "ami:dossier_withdraw"),
    **each(_dossier, "ami:dossier_read", "ami:dossier_pdf", "ami:dossier_zip"),
    "ami:dossier_section": lambda w: {"pk": dossier(w).pk, "section": "structure"},
    **each(lambda w: {"pk": dossier(w).pk, "fichier_pk": fichier(w).pk}, "ami:fichier_download", "ami:fichier_remove"),
    "ami:receipt": lambda w: {"pk": dossier(w).pk, "numero": 1},
}


def evaluable(world):
    """The sample dossier declared recevable, so that the evaluator can open it."""
    d = dossier(world)
    if d.status != "recevable":
        from ami.models import Dossier

        Dossier.objects.filter(pk=d.pk).update(status="recevable")
        d.refresh_from_db()
    return d


SAMPLES.update(
    {
        **each(_ami_reference, "ami:eligibility", "ami:committee", "ami:results", "ami:results_csv"),
        **each(_ami_reference, "ami:results_xlsx", "ami:deadline"),
        **each(pk_of(evaluable), "ami:evaluation", "ami:evaluation_declare"),
    }
)


def sent_letter(world):
    """A decision for the sample AMI with its letters sent, and the convention."""
    if "lettre" not in world:
        from ami.services.decision import convention_create, decision_make, letters_send
        from tests.committee import graded_by_one

        d = evaluable(world)
        staff = world["users"]["staff"]
        graded_by_one(d)
        decision = decision_make(
            ami=d.ami, user=staff, dossier=d, justification="Seul dossier recevable.", justification_grilles="Test."
        )
        letters_send(decision=decision, user=staff)
        convention_create(decision=decision, user=staff)
        world["lettre"] = decision.lettres.get()
    return world["lettre"]


SAMPLES.update(
    {
        **each(_ami_reference, "ami:rapport", "ami:price_simulation", "ami:audit", "ami:archive", "ami:decision"),
        **each(pk_of(sent_letter), "ami:letter_edit", "ami:letter_pdf"),
        **each(_ami_reference, "ami:letters_send", "ami:convention"),
        "ami:convention_pdf": lambda w: {"reference": sent_letter(w).decision.ami.reference},
    }
)


def draft(world):
    """A draft AMI (authoring pages)."""
    if "draft" not in world:
        world["draft"] = AMIFactory(reference="ami-brouillon-acces", status="brouillon")
    return world["draft"]


def question(world):
    """A pending question of the prestataire user on the sample AMI."""
    if "question" not in world:
        import datetime

        from ami.models import Question

        d = dossier(world)
        world["question"] = Question.objects.create(
            ami=d.ami,
            texte="Peut-on proposer deux intervenants ?",
            posee_par=world["users"]["prestataire"],
            prestataire=d.prestataire,
            posee_le=d.ami.date_limite - datetime.timedelta(days=10),
        )
    return world["question"]


def convention_with_avenant(world):
    """The sample convention sent, signed (its own PDF uploaded back), with one avenant sent and signed."""
    if "avenant" not in world:
        import datetime
        from decimal import Decimal

        from ami.models import Convention
        from tests.conventions import sent_and_signed, signed_avenant

        sent_letter(world)
        staff = world["users"]["staff"]
        convention = sent_and_signed(Convention.objects.get(decision__ami__reference="ami-acces"), staff)
        avenant = signed_avenant(
            convention, staff, date_effet=datetime.date(2027, 1, 1), objet="Revalorisation du prix de la séance.",
            prix_seance_groupe=Decimal("470.00"),
        )  # fmt: skip
        world["avenant"] = avenant
    return world["avenant"]


def intake(world):
    """A message received by email for an open AMI of its own, its organisation identified (not sealed)."""
    if "depot" not in world:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from ami.services.intake import intake_identify, intake_record_eml
        from tests.emails import build_eml
        from tests.factories import luhn_siret

        staff = world["users"]["staff"]
        ami = AMIFactory(reference="ami-courriel-acces")
        depot = intake_record_eml(ami=ami, upload=SimpleUploadedFile("m.eml", build_eml()), user=staff)
        organisation = {
            "siret": luhn_siret(4242),
            "raison_sociale": "Cabinet par courriel",
            "statut_juridique": "SAS",
            "adresse": "1 rue de Metz",
            "code_postal": "31000",
            "ville": "Toulouse",
            "contact_nom": "Claire Delmas",
        }
        intake_identify(depot=depot, organisation=organisation, user=staff)
        depot.refresh_from_db()
        world["depot"] = depot
    return world["depot"]


def _draft_reference(world):
    return {"reference": draft(world).reference}


def _convention_kwargs(world):
    return {"pk": convention_with_avenant(world).convention_id}


def _avenant_kwargs(world):
    avenant = convention_with_avenant(world)
    return {"pk": avenant.convention_id, "avenant_pk": avenant.pk}


_intake = pk_of(intake)

SAMPLES.update(
    {
        "ami:rectificatif": _ami_reference,
        **each(_draft_reference, "ami:authoring_edit", "ami:authoring_sections", "ami:authoring_criteres"),
        **each(_draft_reference, "ami:authoring_jalons", "ami:authoring_preview", "ami:authoring_publish"),
        **each(_ami_reference, "ami:question_ask", "ami:questions"),
        **each(pk_of(question), "ami:question_answer", "ami:question_publish"),
        **each(_convention_kwargs, "ami:convention_detail", "ami:convention_send", "ami:convention_sign"),
        **each(_convention_kwargs, "ami:convention_signed_pdf", "ami:avenant_create"),
        **each(_avenant_kwargs, "ami:avenant_send", "ami:avenant_sign", "ami:avenant_pdf", "ami:avenant_signed_pdf"),
        "ami:intake_list": _ami_reference,
        **each(_intake, "ami:intake_detail", "ami:intake_time", "ami:intake_identify", "ami:intake_file"),
        **each(_intake, "ami:intake_seal", "ami:intake_eml"),
        "ami:intake_file_remove": lambda w: {"pk": intake(w).pk, "fichier_pk": intake(w).dossier.fichiers.get().pk},
        "ami:intake_section": lambda w: {"pk": intake(w).pk, "section": "structure"},
    }
)
