from django.urls import include, path

from kaft.portal.views import auth, email, holds, interlibrary, library, loans, opac, profile

app_name = "portal"
urlpatterns = [
    path("", opac.home, name="home"),
    path("zoeken/", opac.search, name="search"),
    path("titel/<int:record_id>/", opac.record_detail, name="record"),
    path("titel/<int:record_id>/reserveren/", opac.record_hold, name="record_hold"),
    path("inloggen/", auth.LoginView.as_view(), name="login"),
    path("uitloggen/", auth.LogoutView.as_view(), name="logout"),
    path("mijn/", loans.loans, name="loans"),
    path("mijn/leningen/verlengen/", loans.loan_renew_all, name="loan_renew_all"),
    path("mijn/leningen/<int:loan_id>/verlengen/", loans.loan_renew_one, name="loan_renew"),
    path("mijn/reserveringen/", holds.holds, name="holds"),
    path("mijn/reserveringen/<int:hold_id>/annuleren/", holds.hold_cancel_view, name="hold_cancel"),
    path("mijn/andere-bibliotheek/", interlibrary.interlibrary, name="interlibrary"),
    path("mijn/gegevens/", profile.profile, name="profile"),
    path("mijn/gegevens/wijzigen/", profile.profile_edit, name="profile_edit"),
    path("mijn/wachtwoord/", profile.password_change, name="password"),
    path("mijn/gegevens/e-mail/", email.email_change, name="email_change"),
    path("e-mail/bevestigen/", email.email_confirm, name="email_confirm"),
    path("bibliotheek/logo/<str:version>/", library.library_logo_view, name="library_logo"),
    path("", include("kaft.portal.urls_retention")),
    path("", include("kaft.portal.urls_consent")),
    path("", include("kaft.portal.urls_transparency")),
    path("", include("kaft.portal.urls_rights")),
    path("", include("kaft.portal.urls_family")),
    path("", include("kaft.portal.urls_security")),
    path("", include("kaft.portal.urls_payments")),
    path("", include("kaft.portal.urls_mandate")),
    path("", include("kaft.portal.urls_signup")),
    path("", include("kaft.portal.urls_outreach_newsletter_issues")),
    path("", include("kaft.portal.urls_outreach_subscriptions")),
    path("", include("kaft.portal.urls_outreach_panel")),
    path("", include("kaft.portal.urls_outreach_contests")),
    path("", include("kaft.portal.urls_outreach_interests")),
]
