"""Pages: home (issue 3)."""

urlpatterns: list = []
