"""Pages: the signed-in person's profile — name, language, time zone, email notifications."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasaran.accounts import actions
from sasaran.accounts.queries import actor_for
from sasaran.accounts.views.people import apply_errors, time_zone_choices
from sasaran.errors import Invalid, NotFound


class ProfileForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150, required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        required=False,
        help_text=gettext_lazy("Dates and times are shown in this zone."),
    )
    notify_email_reminders = forms.BooleanField(
        label=gettext_lazy("Email me check-in reminders"),
        required=False,
        help_text=gettext_lazy("When a key result you own is due for a check-in."),
    )
    notify_email_digest = forms.BooleanField(
        label=gettext_lazy("Email me a weekly digest"),
        required=False,
        help_text=gettext_lazy("Progress, risks and wins of your teams, once a week."),
    )

    def __init__(self, *args, workspace_zone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        default = (
            _("Workspace default (%(zone)s)") % {"zone": workspace_zone}
            if workspace_zone
            else _("Workspace default")
        )
        zones = time_zone_choices(self.initial.get("time_zone") or "")
        self.fields["time_zone"].choices = [("", default), *zones]


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        workspace_zone = actor_for(user).workspace.time_zone
    except NotFound:
        workspace_zone = ""
    initial = {key: getattr(user, key) for key in actions.PROFILE_FIELDS}
    initial["language"] = user.language or translation.get_language()
    form = ProfileForm(request.POST or None, initial=initial, workspace_zone=workspace_zone)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_profile(user, **form.cleaned_data)
            except Invalid as exc:
                apply_errors(form, exc)
                status = exc.status
            else:
                # The middleware applies the new language from the next request on; the cookie
                # keeps it after signing out.
                response = redirect(reverse("profile") + "?saved=1")
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    user.language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
                return response
        else:
            status = 422
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "saved": request.GET.get("saved") == "1"},
        status=status,
    )


urlpatterns = [path("profile/", profile, name="profile")]
