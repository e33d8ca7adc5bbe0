"""URLs of the seances app (filled by its feature issues)."""

app_name = "seances"
urlpatterns: list = []
