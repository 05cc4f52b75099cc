"""Pages: editing (issue 3)."""

urlpatterns: list = []
