"""Portal URLs for newsletter subscriptions; included by kaft/portal/urls.py in its namespace.

No id in the member's URL; the unsubscribe link's code names its subscription with a MAC
(kaft/outreach/services/newsletter_links.py), so it cannot be guessed from another.
"""

from django.urls import URLPattern, path

from kaft.portal.views import outreach_subscriptions as views

urlpatterns: list[URLPattern] = [
    path("nieuwsbrief/", views.newsletter_signup, name="newsletter_signup"),
    path("nieuwsbrief/aangevraagd/", views.newsletter_signup_done, name="newsletter_signup_done"),
    path("nieuwsbrief/bevestigen/", views.newsletter_confirm, name="newsletter_confirm"),
    path(
        "nieuwsbrief/afmelden/<str:code>/",
        views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
    path("mijn/nieuwsbrief/", views.newsletter_mine, name="newsletter"),
]
