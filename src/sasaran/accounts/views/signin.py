"""Pages: signing in and out."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasaran import ratelimit


class SignInForm(AuthenticationForm):
    # Django's default speaks of a "username" and says both fields may be case-sensitive; here
    # the email is not (accounts are found by it case-insensitively) and the password is.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "That email and password do not match an account. The password is case-sensitive."
        ),
    }


class LoginView(auth_views.LoginView):
    template_name = "accounts/registration/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm

    def _budgets(self):
        return ratelimit.sign_in_budgets(self.request, self.request.POST.get("username", ""))

    def post(self, request, *args, **kwargs):
        # Per address and per email: many addresses guessing one account are limited too.
        wait = ratelimit.exhausted(*self._budgets())
        if wait is not None:
            response = HttpResponse(_("Too many failed sign-ins; wait a minute."), status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        ratelimit.spend(*self._budgets())
        return super().form_invalid(form)


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
