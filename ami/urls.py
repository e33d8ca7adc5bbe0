"""URLs of the ami app (filled by its feature issues)."""

app_name = "ami"
urlpatterns: list = []
