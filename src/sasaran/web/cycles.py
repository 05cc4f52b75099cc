"""Pages: cycles (issue 3)."""

urlpatterns: list = []
