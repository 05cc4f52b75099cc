"""Pages: objective (issue 3)."""

urlpatterns: list = []
