"""Limits of text people type: lengths the database enforces, and fields kept on one line.

A length limit is stated on the model field (the forms' message and `maxlength` come from
it) and again as a CHECK constraint: PostgreSQL's varchar enforces a CharField's length
but SQLite does not, and nothing enforces a TextField's.
"""

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# What str.splitlines() breaks a line on: a name with any of them is not one line.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def validate_single_line(value):
    """A name, a phone number or an address goes into e-mail subjects and one-line lists."""
    if any(char in LINE_BREAKS for char in str(value)):
        raise ValidationError(_("Write this on one line, without line breaks."), code="single_line")


class TextCheckConstraint(models.CheckConstraint):
    """A CHECK the database enforces, which model validation (forms, the admin, the
    import's full_clean) leaves to the field's own validators: they say the same with the
    field's name, and ask no query, where CheckConstraint asks one for each constraint."""

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        pass


def max_length_check(field: str, limit: int) -> models.CheckConstraint:
    """A CHECK that the field holds at most `limit` characters, named
    <app>_<model>_<field>_max_length."""
    return TextCheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"%(app_label)s_%(class)s_{field}_max_length",
    )


def single_line_check(field: str) -> models.CheckConstraint:
    """A CHECK that the field has no line feed or carriage return (what breaks an e-mail
    header), named <app>_<model>_<field>_single_line."""
    return TextCheckConstraint(
        condition=~models.Q(**{f"{field}__contains": "\n"})
        & ~models.Q(**{f"{field}__contains": "\r"}),
        name=f"%(app_label)s_%(class)s_{field}_single_line",
    )


# RFC 5321: at most 64 characters before the @. Django's EmailValidator lets longer ones
# through, which mail servers then refuse. (The whole address's 254 is the fields' max_length.)
EMAIL_LOCAL_PART_MAX_LENGTH = 64


def validate_email_local_part(value):
    """An e-mail address with no more before the @ than the standard allows."""
    if len(str(value).rpartition("@")[0]) > EMAIL_LOCAL_PART_MAX_LENGTH:
        raise ValidationError(
            _("The part before the @ can be at most %(limit)s characters long."),
            code="email_local_part_too_long",
            params={"limit": EMAIL_LOCAL_PART_MAX_LENGTH},
        )


def one_of(field: str, values) -> models.Q:
    """The field holds one of values. ORs rather than IN: PostgreSQL writes an IN over a
    varchar column back differently after a dump is restored (the backup test compares)."""
    conditions = [models.Q(**{field: value}) for value in values]
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return condition


def _interpolated(template, params):
    return str(template) % {name: str(value) for name, value in params.items()}


_lazy_interpolated = lazy(_interpolated, str)


def lazy_format(template, **params):
    """`template % params`, worked out when it is shown, in the language active then: a
    message built when a form class is defined (at import) would otherwise stay in the
    language of whichever request imported it first."""
    return _lazy_interpolated(template, params)
