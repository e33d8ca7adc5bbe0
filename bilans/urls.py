"""URLs of the annual bilan: list, page, writing, review, réunion de bilan, charts and PDF exports."""

from django.urls import path

from bilans.views import bilan, exports, feedback, reunion

app_name = "bilans"
urlpatterns = [
    path("", bilan.BilanListView.as_view(), name="list"),
    path("programme/<int:pk>/ouvrir/", bilan.BilanOpenView.as_view(), name="open"),
    path("programme/<int:pk>/seuil/", bilan.ThresholdView.as_view(), name="threshold"),
    path("<int:pk>/", bilan.BilanDetailView.as_view(), name="detail"),
    path("<int:pk>/rediger/", bilan.BilanWriteView.as_view(), name="write"),
    path("<int:pk>/remettre/", bilan.BilanRemettreView.as_view(), name="remettre"),
    path("<int:pk>/commenter/", bilan.CommentView.as_view(), name="comment"),
    path("commentaire/<int:pk>/repondre/", bilan.ReplyView.as_view(), name="reply"),
    path("<int:pk>/valider/", bilan.ValidateView.as_view(), name="validate"),
    path("<int:pk>/reunion/", reunion.ReunionView.as_view(), name="reunion"),
    path("<int:pk>/reunion.ics", reunion.ReunionIcsView.as_view(), name="reunion_ics"),
    path("<int:pk>/reunion/compte-rendu.pdf", reunion.MinutesDownloadView.as_view(), name="reunion_minutes"),
    path("<int:pk>/graphiques/<str:name>.svg", bilan.ChartView.as_view(), name="chart"),
    path("<int:pk>/export/", exports.ExportCreateView.as_view(), name="export"),
    path("export/<int:pk>/", exports.ExportStatusView.as_view(), name="export_status"),
    path("export/<int:pk>/bilan.pdf", exports.ExportDownloadView.as_view(), name="export_download"),
    # Participant feedback, anonymous by construction (issue 20; views/feedback.py): the aggregated figures
    path("programme/<int:pk>/avis/", feedback.FeedbackResultsView.as_view(), name="feedback"),
]
