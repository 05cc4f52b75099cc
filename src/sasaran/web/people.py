"""Pages: people (issue 3)."""

urlpatterns: list = []
