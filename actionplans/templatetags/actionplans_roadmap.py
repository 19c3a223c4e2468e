"""What a roadmap's pages show of the partnerships started from it. checklists does not
import actionplans (the apps depend one way); its templates load this library, which asks
actionplans.access who may see which partnership."""

from django import template

from ..access import member_partnerships

register = template.Library()


@register.simple_tag(takes_context=True)
def partnerships_started_from(context, roadmap):
    """The partnerships started from `roadmap` that the signed-in user works on: a reader
    of the roadmap who is not a member of one does not learn it exists."""
    return list(
        member_partnerships(context["request"].user).filter(roadmap=roadmap).order_by("title")
    )
