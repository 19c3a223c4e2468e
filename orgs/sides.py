"""The two sides of a partnership, shared by the roadmap's forms and the action plans.

Here, not in checklists or actionplans: both import it, and orgs is below both of them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    COMMUNITY = "community", _("Community organization")
