"""URLs of the annual bilan: list, page, writing, review, réunion de bilan, charts and PDF exports."""

from django.urls import path

from bilans import views

app_name = "bilans"
urlpatterns = [
    path("", views.BilanListView.as_view(), name="list"),
    path("programme/<int:pk>/ouvrir/", views.BilanOpenView.as_view(), name="open"),
    path("programme/<int:pk>/seuil/", views.ThresholdView.as_view(), name="threshold"),
    path("<int:pk>/", views.BilanDetailView.as_view(), name="detail"),
    path("<int:pk>/rediger/", views.BilanWriteView.as_view(), name="write"),
    path("<int:pk>/remettre/", views.BilanRemettreView.as_view(), name="remettre"),
    path("<int:pk>/commenter/", views.CommentView.as_view(), name="comment"),
    path("commentaire/<int:pk>/repondre/", views.ReplyView.as_view(), name="reply"),
    path("<int:pk>/valider/", views.ValidateView.as_view(), name="validate"),
    path("<int:pk>/reunion/", views.ReunionView.as_view(), name="reunion"),
    path("<int:pk>/reunion.ics", views.ReunionIcsView.as_view(), name="reunion_ics"),
    path("<int:pk>/reunion/compte-rendu.pdf", views.MinutesDownloadView.as_view(), name="reunion_minutes"),
    path("<int:pk>/graphiques/<str:name>.svg", views.ChartView.as_view(), name="chart"),
    path("<int:pk>/export/", views.ExportCreateView.as_view(), name="export"),
    path("export/<int:pk>/", views.ExportStatusView.as_view(), name="export_status"),
    path("export/<int:pk>/bilan.pdf", views.ExportDownloadView.as_view(), name="export_download"),
]
