from django.contrib import admin
from django.urls import include, path

from mlhg_app import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz/", views.HealthView.as_view(), name="healthz"),
    path("compte/", views.AccountView.as_view(), name="account"),
    path("compte/double-authentification/", views.TwoFactorSetupView.as_view(), name="otp_setup"),
    path("compte/mes-donnees/", views.PersonalDataView.as_view(), name="personal_data"),
    path("confidentialite/", views.PrivacyView.as_view(), name="privacy"),
    path("sites/", views.AntenneListView.as_view(), name="antenne_list"),
    path("historique/<str:label>/<int:pk>/", views.HistoryView.as_view(), name="history"),
    path("exports/<int:pk>/", views.ExportView.as_view(), name="export"),
    path("exports/<int:pk>/statut/", views.ExportStatusView.as_view(), name="export_status"),
    path("exports/<int:pk>/fichier/", views.ExportDownloadView.as_view(), name="export_download"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/code/", views.TwoFactorVerifyView.as_view(), name="otp_verify"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("compte/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("compte/mot-de-passe/modifie/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe-oublie/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe-oublie/termine/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("ami/", include("ami.urls")),
    path("seances/", include("seances.urls")),
    path("bilans/", include("bilans.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "mlhg_app.views.server_error"
