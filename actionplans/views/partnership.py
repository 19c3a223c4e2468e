"""The partnership itself: the list, starting one, its task list, details and partners."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..access import get_partnership_for_user, may_start_partnership, member_partnerships


@login_required
@require_safe
def partnership_list(request):
    """The partnerships the user works on."""
    return render(
        request,
        "actionplans/partnership_list.html",
        {
            "partnerships": member_partnerships(request.user).with_municipality(),
            "may_start": may_start_partnership(request.user),
        },
    )


@login_required
@require_safe
def partnership_detail(request, pk):
    """The task list: details, partners, action plan, communication plan, check and sign."""
    partnership = get_partnership_for_user(request.user, pk)
    return render(request, "actionplans/partnership_detail.html", {"partnership": partnership})


def partnership_new(request, **kwargs):
    raise Http404("Not built yet.")


def partnership_from_roadmap(request, **kwargs):
    raise Http404("Not built yet.")


def details(request, **kwargs):
    raise Http404("Not built yet.")


def partners(request, **kwargs):
    raise Http404("Not built yet.")
