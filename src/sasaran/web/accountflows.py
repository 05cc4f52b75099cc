"""Pages: accountflows (issue 3)."""

urlpatterns: list = []
