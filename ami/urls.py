"""URLs of the AMI: public pages, registration, the prestataire's portal, staff."""

from django.urls import path

from ami.views import (
    authoring,
    convention,
    decision,
    evaluation,
    intake,
    portal,
    public,
    questions,
    rectificatif,
    registration,
    reports,
    selection,
    staff,
    submission,
)

app_name = "ami"
urlpatterns = [
    # Public pages (views/public.py)
    path("", public.AMIListView.as_view(), name="list"),
    path("appel/<slug:reference>/", public.AMIDetailView.as_view(), name="detail"),
    # Registration, email verification, colleagues (views/registration.py)
    path("inscription/", registration.RegisterView.as_view(), name="register"),
    path("inscription/envoyee/", registration.RegisterDoneView.as_view(), name="register_done"),
    path("inscription/verifier/<str:token>/", registration.VerifyEmailView.as_view(), name="verify_email"),
    path("organisation/", registration.OrganisationView.as_view(), name="organisation"),
    path("invitation/<str:token>/", registration.AcceptInvitationView.as_view(), name="accept_invitation"),
    # The dossier, section by section (views/portal.py)
    path("appel/<slug:reference>/candidature/", portal.DossierStartView.as_view(), name="dossier_start"),
    path("dossiers/<int:pk>/", portal.DossierOverviewView.as_view(), name="dossier"),
    path("dossiers/<int:pk>/section/<slug:section>/", portal.DossierSectionView.as_view(), name="dossier_section"),
    path(
        "dossiers/<int:pk>/fichiers/<int:fichier_pk>/",
        portal.FichierDownloadView.as_view(),
        name="fichier_download",
    ),
    path(
        "dossiers/<int:pk>/fichiers/<int:fichier_pk>/retirer/",
        portal.FichierRemoveView.as_view(),
        name="fichier_remove",
    ),
    # Submission, versions, receipts, withdrawal (views/submission.py)
    path("dossiers/<int:pk>/deposer/", submission.DossierSubmitView.as_view(), name="dossier_submit"),
    path("dossiers/<int:pk>/retirer/", submission.DossierWithdrawView.as_view(), name="dossier_withdraw"),
    path(
        "dossiers/<int:pk>/versions/<int:numero>/accuse-de-reception.pdf",
        submission.ReceiptView.as_view(),
        name="receipt",
    ),
    # Staff and evaluators (views/staff.py)
    path("appel/<slug:reference>/dossiers/", staff.DossierListView.as_view(), name="staff_dossiers"),
    path("dossiers/<int:pk>/lecture/", staff.DossierReadView.as_view(), name="dossier_read"),
    path("dossiers/<int:pk>/dossier.pdf", staff.DossierPdfView.as_view(), name="dossier_pdf"),
    path("dossiers/<int:pk>/pieces.zip", staff.DossierZipView.as_view(), name="dossier_zip"),
    # Selection by staff (views/selection.py)
    path("appel/<slug:reference>/recevabilite/", selection.EligibilityView.as_view(), name="eligibility"),
    path("appel/<slug:reference>/comite/", selection.CommitteeView.as_view(), name="committee"),
    path("appel/<slug:reference>/resultats/", selection.ResultsView.as_view(), name="results"),
    path("appel/<slug:reference>/resultats.csv", selection.ResultsCsvView.as_view(), name="results_csv"),
    path("appel/<slug:reference>/resultats.xlsx", selection.ResultsXlsxView.as_view(), name="results_xlsx"),
    # The deadline, postponed by a dated rectificatif (views/rectificatif.py)
    path("appel/<slug:reference>/date-limite/", rectificatif.DeadlinePostponeView.as_view(), name="deadline"),
    path("appel/<slug:reference>/rectificatif/", rectificatif.RectificatifView.as_view(), name="rectificatif"),
    # Authoring by staff: create, edit a draft, preview, publish (views/authoring.py)
    path("redaction/", authoring.AuthoringListView.as_view(), name="authoring"),
    path("redaction/nouveau/", authoring.AMICreateView.as_view(), name="authoring_create"),
    path("redaction/<slug:reference>/", authoring.AMIEditView.as_view(), name="authoring_edit"),
    path("redaction/<slug:reference>/texte/", authoring.AMISectionsView.as_view(), name="authoring_sections"),
    path("redaction/<slug:reference>/criteres/", authoring.AMICriteresView.as_view(), name="authoring_criteres"),
    path("redaction/<slug:reference>/calendrier/", authoring.AMIJalonsView.as_view(), name="authoring_jalons"),
    path("redaction/<slug:reference>/apercu/", authoring.AMIPreviewView.as_view(), name="authoring_preview"),
    path("redaction/<slug:reference>/publier/", authoring.AMIPublishView.as_view(), name="authoring_publish"),
    # Questions and answers (views/questions.py)
    path("appel/<slug:reference>/questions/poser/", questions.QuestionAskView.as_view(), name="question_ask"),
    path("appel/<slug:reference>/questions/", questions.QuestionListView.as_view(), name="questions"),
    path("questions/<int:pk>/", questions.QuestionAnswerView.as_view(), name="question_answer"),
    path("questions/<int:pk>/publier/", questions.QuestionPublishView.as_view(), name="question_publish"),
    # Reports (views/reports.py)
    path("appel/<slug:reference>/rapport-analyse/", reports.RapportView.as_view(), name="rapport"),
    path("appel/<slug:reference>/simulation-prix/", reports.PriceSimulationView.as_view(), name="price_simulation"),
    path("appel/<slug:reference>/journal/", reports.AuditView.as_view(), name="audit"),
    path("appel/<slug:reference>/archive/", reports.ArchiveView.as_view(), name="archive"),
    # Decision, letters, convention (views/decision.py)
    path("appel/<slug:reference>/decision/", decision.DecisionView.as_view(), name="decision"),
    path("lettres/<int:pk>/", decision.LetterEditView.as_view(), name="letter_edit"),
    path("lettres/<int:pk>/lettre.pdf", decision.LetterPdfView.as_view(), name="letter_pdf"),
    path("appel/<slug:reference>/lettres/envoyer/", decision.LettersSendView.as_view(), name="letters_send"),
    path("appel/<slug:reference>/convention/", decision.ConventionView.as_view(), name="convention"),
    path("appel/<slug:reference>/convention.pdf", decision.ConventionPdfView.as_view(), name="convention_pdf"),
    # The convention's life: sent, signed, its avenants (views/convention.py)
    path("conventions/<int:pk>/", convention.ConventionDetailView.as_view(), name="convention_detail"),
    path("conventions/<int:pk>/envoyer/", convention.ConventionSendView.as_view(), name="convention_send"),
    path("conventions/<int:pk>/signer/", convention.ConventionSignView.as_view(), name="convention_sign"),
    path("conventions/<int:pk>/signee.pdf", convention.ConventionSignedPdfView.as_view(), name="convention_signed_pdf"),
    path("conventions/<int:pk>/avenants/", convention.AvenantCreateView.as_view(), name="avenant_create"),
    path(
        "conventions/<int:pk>/avenants/<int:avenant_pk>/envoyer/",
        convention.AvenantSendView.as_view(),
        name="avenant_send",
    ),
    path(
        "conventions/<int:pk>/avenants/<int:avenant_pk>/signer/",
        convention.AvenantSignView.as_view(),
        name="avenant_sign",
    ),
    path(
        "conventions/<int:pk>/avenants/<int:avenant_pk>/avenant.pdf",
        convention.AvenantPdfView.as_view(),
        name="avenant_pdf",
    ),
    path(
        "conventions/<int:pk>/avenants/<int:avenant_pk>/signe.pdf",
        convention.AvenantPdfView.as_view(),
        {"signe": True},
        name="avenant_signed_pdf",
    ),
    # Dossiers received by email, recorded by staff (views/intake.py)
    path("appel/<slug:reference>/courriels/", intake.IntakeListView.as_view(), name="intake_list"),
    path("courriels/<int:pk>/", intake.IntakeDetailView.as_view(), name="intake_detail"),
    path("courriels/<int:pk>/heure/", intake.IntakeTimeView.as_view(), name="intake_time"),
    path("courriels/<int:pk>/organisation/", intake.IntakeIdentifyView.as_view(), name="intake_identify"),
    path("courriels/<int:pk>/pieces/", intake.IntakeFileView.as_view(), name="intake_file"),
    path(
        "courriels/<int:pk>/pieces/<int:fichier_pk>/retirer/",
        intake.IntakeFileRemoveView.as_view(),
        name="intake_file_remove",
    ),
    path("courriels/<int:pk>/section/<slug:section>/", intake.IntakeSectionView.as_view(), name="intake_section"),
    path("courriels/<int:pk>/sceller/", intake.IntakeSealView.as_view(), name="intake_seal"),
    path("courriels/<int:pk>/message.eml", intake.IntakeEmlView.as_view(), name="intake_eml"),
    # The committee's grids (views/evaluation.py)
    path("evaluations/", evaluation.MyEvaluationsView.as_view(), name="my_evaluations"),
    path("evaluations/dossier/<int:pk>/", evaluation.EvaluationView.as_view(), name="evaluation"),
    path(
        "evaluations/dossier/<int:pk>/declaration/",
        evaluation.EvaluationDeclareView.as_view(),
        name="evaluation_declare",
    ),
]
