"""URLs of the séances: programme, groups, planning board, convocations and calendars."""

from django.urls import path

from seances.views import (
    attendance,
    billing,
    board,
    certificates,
    compte_rendu,
    feedback,
    invoice,
    own,
    renewal,
    review,
)

app_name = "seances"
urlpatterns = [
    # The programme and its planning board (views/board.py)
    path("programmes/", board.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/creer/", board.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", board.BoardView.as_view(), name="board"),
    path("programmes/<int:pk>/sites/", board.SitesView.as_view(), name="sites"),
    path("programmes/<int:pk>/planifier/", board.PlanView.as_view(), name="plan"),
    path("programmes/<int:pk>/tout-valider/", board.ValidateAllView.as_view(), name="validate_all"),
    path("seance/<int:pk>/valider/", board.SeanceValidateView.as_view(), name="seance_validate"),
    path(
        "seance/<int:pk>/demander-modification/", board.SeanceRequestChangeView.as_view(), name="seance_request_change"
    ),
    path("seance/<int:pk>/deplacer/", board.SeanceMoveView.as_view(), name="seance_move"),
    path("seance/<int:pk>/replanifier/", board.SeanceReplanView.as_view(), name="seance_replan"),
    # Renewal into the next year, or a new call (views/renewal.py, issue 20)
    path("programmes/<int:pk>/reconduire/", renewal.RenewalView.as_view(), name="renewal"),
    path("programmes/<int:pk>/ne-pas-reconduire/", renewal.NotRenewView.as_view(), name="not_renew"),
    # After the séance: attendance (views/attendance.py), the compte rendu (views/compte_rendu.py)
    path("seance/<int:pk>/emargement.pdf", attendance.AttendancePdfView.as_view(), name="attendance_pdf"),
    path("seance/<int:pk>/emargement/", attendance.AttendanceView.as_view(), name="attendance"),
    path("seance/<int:pk>/compte-rendu/", compte_rendu.CompteRenduView.as_view(), name="compte_rendu"),
    # Cancellations, billing, follow-up (views/billing.py)
    path("seance/<int:pk>/annuler/", billing.CancelView.as_view(), name="cancel"),
    path("seance/<int:pk>/facturable/", billing.BillableView.as_view(), name="billable"),
    path("programmes/<int:pk>/releves/", billing.StatementsView.as_view(), name="statements"),
    path("releves/<int:pk>/releve.pdf", billing.StatementPdfView.as_view(), name="statement_pdf"),
    path("releves/<int:pk>/paye/", billing.StatementPaidView.as_view(), name="statement_paid"),
    path("programmes/<int:pk>/suivi/", billing.DashboardView.as_view(), name="dashboard"),
    path("programmes/<int:pk>/suivi/<str:name>.svg", billing.DashboardChartView.as_view(), name="dashboard_chart"),
    # The provider's review of a programme (issue 20, views/review.py)
    path("programmes/<int:pk>/revue/ouvrir/", review.RevueOpenView.as_view(), name="revue_open"),
    path("revues/<int:pk>/", review.RevueView.as_view(), name="revue"),
    path("revues/<int:pk>/modifier/", review.RevueEditView.as_view(), name="revue_edit"),
    path("revues/<int:pk>/partager/", review.RevueShareView.as_view(), name="revue_share"),
    path("revues/<int:pk>/repondre/", review.RevueAnswerView.as_view(), name="revue_answer"),
    path("revues/<int:pk>/clore/", review.RevueCloseView.as_view(), name="revue_close"),
    path("revues/<int:pk>/revue.pdf", review.RevuePdfView.as_view(), name="revue_pdf"),
    # The statement as an invoice, Factur-X (views/invoice.py; issue 20)
    path("releves/<int:pk>/facture/", invoice.InvoiceView.as_view(), name="invoice"),
    path("releves/<int:pk>/facture/deposer/", invoice.InvoiceUploadView.as_view(), name="invoice_upload"),
    path("releves/<int:pk>/facture.pdf", invoice.InvoicePdfView.as_view(), name="invoice_pdf"),
    # Participation certificates (views/certificates.py; issue 20)
    path("mes-seances/attestations/<int:pk>.pdf", certificates.MyCertificateView.as_view(), name="my_certificate"),
    path("programmes/<int:pk>/attestations/", certificates.CertificatesIssueView.as_view(), name="certificates_issue"),
    # A conseiller's and an intervenant's own séances, calendars (views/own.py)
    path("mes-seances/", own.MySeancesView.as_view(), name="my_seances"),
    path("mes-seances/charte/", own.CharteView.as_view(), name="charte"),
    path("mes-seances/<int:pk>/invitation.ics", own.SeanceIcsView.as_view(), name="seance_ics"),
    path("mes-seances/calendriers/", own.FeedsView.as_view(), name="feeds"),
    path("calendrier/<str:token>.ics", own.FeedView.as_view(), name="feed"),
    # Participant feedback, anonymous by construction (issue 20; views/feedback.py): the personal link
    path("mes-seances/avis/<str:token>/", feedback.FeedbackView.as_view(), name="feedback"),
]
