"""URLs of the bilans app (filled by its feature issues)."""

app_name = "bilans"
urlpatterns: list = []
