from django.contrib import admin
from django.urls import include, path

from mlhg_app.views import accessibility, account, auth, exports, health, history, home, people, privacy

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("healthz/", health.HealthView.as_view(), name="healthz"),
    path("compte/", account.AccountView.as_view(), name="account"),
    path("compte/double-authentification/", auth.TwoFactorSetupView.as_view(), name="otp_setup"),
    path("compte/mes-donnees/", privacy.PersonalDataView.as_view(), name="personal_data"),
    path("confidentialite/", privacy.PrivacyView.as_view(), name="privacy"),
    path("accessibilite/", accessibility.AccessibilityView.as_view(), name="accessibility"),
    path("sites/", account.AntenneListView.as_view(), name="antenne_list"),
    path("sites/<int:pk>/modifier/", account.AntenneEditView.as_view(), name="antenne_edit"),
    path("personnes/", people.PeopleListView.as_view(), name="people_list"),
    path("personnes/annuaire.xlsx", people.PeopleExportView.as_view(), name="people_export"),
    path("personnes/nouvelle/", people.PersonCreateView.as_view(), name="people_create"),
    path("personnes/<int:pk>/", people.PersonView.as_view(), name="people_edit"),
    path("personnes/import/", people.PeopleImportView.as_view(), name="people_import"),
    path("personnes/import/modele.xlsx", people.PeopleImportTemplateView.as_view(), name="people_import_template"),
    path("personnes/import/<int:pk>/", people.PeopleImportPreviewView.as_view(), name="people_import_preview"),
    path(
        "personnes/import/<int:pk>/confirmer/", people.PeopleImportConfirmView.as_view(), name="people_import_confirm"
    ),
    path("personnes/import/<int:pk>/resultat/", people.PeopleImportResultView.as_view(), name="people_import_result"),
    path("historique/<str:label>/<int:pk>/", history.HistoryView.as_view(), name="history"),
    path("exports/<int:pk>/", exports.ExportView.as_view(), name="export"),
    path("exports/<int:pk>/statut/", exports.ExportStatusView.as_view(), name="export_status"),
    path("exports/<int:pk>/fichier/", exports.ExportDownloadView.as_view(), name="export_download"),
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("connexion/sso/", auth.SSOStartView.as_view(), name="sso_login"),
    path("connexion/sso/retour/", auth.SSOCallbackView.as_view(), name="sso_callback"),
    path("connexion/code/", auth.TwoFactorVerifyView.as_view(), name="otp_verify"),
    path("deconnexion/", auth.LogoutView.as_view(), name="logout"),
    path("compte/mot-de-passe/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("compte/mot-de-passe/modifie/", auth.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("mot-de-passe-oublie/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe-oublie/envoye/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe-oublie/termine/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("ami/", include("ami.urls")),
    path("seances/", include("seances.urls")),
    path("bilans/", include("bilans.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "mlhg_app.views.health.server_error"
