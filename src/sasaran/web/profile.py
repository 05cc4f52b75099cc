"""Pages: profile (issue 3)."""

urlpatterns: list = []
