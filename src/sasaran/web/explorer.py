"""Pages: explorer (issue 3)."""

urlpatterns: list = []
