"""Pages: password reset by email and accepting an invitation (setting a first password)."""

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import path, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from sasaran import ratelimit
from sasaran.accounts.actions import invitation_tokens, send_mail_on_commit


def site_url(request: HttpRequest) -> str:
    """Where links in emails point: SITE_URL when configured, else the address asked for."""
    return (getattr(settings, "SITE_URL", "") or request.build_absolute_uri("/")).rstrip("/")


class ResetForm(PasswordResetForm):
    """Django's reset form, sending on commit with links built from SITE_URL."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        send_mail_on_commit(subject, body, to_email)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "accounts/registration/password_reset_form.html"
    email_template_name = "accounts/registration/password_reset_email.txt"
    subject_template_name = "accounts/registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        # Every request counts (each may send an email), per address and per email address,
        # whether or not the address has an account: the answer must not tell them apart.
        budgets = ratelimit.password_reset_budgets(self.request, form.cleaned_data["email"])
        wait = ratelimit.exhausted(*budgets)
        if wait is not None:
            form.add_error(
                "email", _("Too many password-reset requests; wait a while and try again.")
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        ratelimit.spend(*budgets)
        self.extra_email_context = {"site_url": site_url(self.request)}
        with transaction.atomic():
            return super().form_valid(form)


urlpatterns = [
    path("password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/registration/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]


def _invited_user(uidb64: str, token: str):
    User = get_user_model()
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if invitation_tokens.check_token(user, token) else None


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A valid link shows the set-password form; setting it signs the person in."""
    user = _invited_user(uidb64, token)
    if user is None:
        return render(request, "accounts/registration/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()  # a new password hash: the link stops working
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(
        request, "accounts/registration/invitation_accept.html", {"form": form, "invitee": user}
    )


urlpatterns += [
    path("invitation/<uidb64>/<token>/", accept_invitation, name="accept_invitation"),
]
