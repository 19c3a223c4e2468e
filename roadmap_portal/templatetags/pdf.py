from django import template

from roadmap_portal.lib.pdf import printable as printable_text

register = template.Library()


@register.filter
def printable(value):
    """User text for a PDF (roadmap_portal.lib.pdf.printable); still escaped on output."""
    return printable_text(value)
