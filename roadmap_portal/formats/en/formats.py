"""English as Europe writes it: day before month (01/12/2026, not 12/01/2026), from British
English's formats in Django. Times on the 24-hour clock (16:09, not 4:09 p.m.), as in the
portal's other five languages."""

from django.conf.locale.en_GB.formats import (  # noqa: F401
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    YEAR_MONTH_FORMAT,
)

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
