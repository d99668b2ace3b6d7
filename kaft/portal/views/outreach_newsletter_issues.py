"""The public newsletter archive and the newsletter's images. Anyone may read them: an issue
once sent is public, and nothing here says who received it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from kaft.core import params
from kaft.outreach.selectors.newsletter_issues import archive_issue, archive_issues
from kaft.outreach.services.newsletter_issues import image_by_name, issue_preview
from kaft.portal.views.common import render_portal

A_YEAR = 365 * 24 * 3600
PER_PAGE = 20


@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    page = params.page_from(request.GET.get("pagina"))
    issues = list(archive_issues()[(page - 1) * PER_PAGE : page * PER_PAGE + 1])
    context = {
        "issues": issues[:PER_PAGE],
        "page": page,
        "has_next": len(issues) > PER_PAGE,
    }
    return render_portal(request, "portal/outreach/newsletter_issues_archive.html", context)


@require_GET
def archive_issue_view(request: HttpRequest, newsletter_issue_id: int) -> HttpResponse:
    issue = archive_issue(params.id_or_404(newsletter_issue_id))
    if issue is None:
        raise Http404
    context = {"issue": issue, "body_html": issue_preview(issue).html}
    return render_portal(request, "portal/outreach/newsletter_issues_issue.html", context)


@require_GET
def image(request: HttpRequest, image_name: str) -> HttpResponse:
    found = image_by_name(image_name)
    if found is None:
        raise Http404
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    # The address names this picture for good (a new upload is a new image).
    response["Cache-Control"] = f"public, max-age={A_YEAR}, immutable"
    response["Content-Disposition"] = "inline"
    return response
