"""Who may see and change which roadmap. Views fetch roadmaps only through here.

Staff of a municipality see and edit its roadmaps; representatives their organization's;
a coordinator reads the roadmaps organizations have shared with the municipality. Nobody
else, portal administrators included: an outsider gets 404, a reader who tries to write 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from orgs.models import MunicipalityMembership

from .models import Form, Roadmap


def editable_roadmaps(user):
    if not user.is_authenticated:
        return Roadmap.objects.none()
    return Roadmap.objects.filter(
        Q(form=Form.MUNICIPALITY, municipality__memberships__user=user)
        | Q(form=Form.COMMUNITY, organization__memberships__user=user)
    ).distinct()


def shared_roadmaps(user):
    """Roadmaps organizations shared with a municipality this user coordinates."""
    if not user.is_authenticated:
        return Roadmap.objects.none()
    return Roadmap.objects.filter(
        form=Form.COMMUNITY,
        shares__municipality__memberships__user=user,
        shares__municipality__memberships__role=MunicipalityMembership.Role.COORDINATOR,
    ).distinct()


def get_roadmap_for_user(user, pk, *, write=False):
    roadmap = editable_roadmaps(user).with_owner().filter(pk=pk).first()
    if roadmap is not None:
        return roadmap
    if shared_roadmaps(user).filter(pk=pk).exists():
        if write:
            raise PermissionDenied
        return Roadmap.objects.with_owner().get(pk=pk)
    raise Http404


def can_edit(user, roadmap):
    return editable_roadmaps(user).filter(pk=roadmap.pk).exists()
