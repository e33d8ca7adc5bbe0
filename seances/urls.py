"""URLs of the séances: programme, groups, planning board, convocations and calendars."""

from django.urls import path

from seances.views import board, own

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
    # A conseiller's and an intervenant's own séances, calendars (views/own.py)
    path("mes-seances/", own.MySeancesView.as_view(), name="my_seances"),
    path("mes-seances/charte/", own.CharteView.as_view(), name="charte"),
    path("mes-seances/<int:pk>/invitation.ics", own.SeanceIcsView.as_view(), name="seance_ics"),
    path("mes-seances/calendriers/", own.FeedsView.as_view(), name="feeds"),
    path("calendrier/<str:token>.ics", own.FeedView.as_view(), name="feed"),
]
