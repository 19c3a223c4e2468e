"""Django's password validators, with the messages Django's own catalogues leave untranslated.

Django 6.1 changed the too-short message's msgid (`%(min_length)d` became `%d`), and its
Lithuanian, Portuguese and Greek catalogues do not translate the new one yet; its Latvian
catalogue puts the singular's ending on 8 ("8 rakstzīmei"). Django fills an untranslated
message from the LANGUAGE_CODE catalogue, so those pages said it in Latvian. Marked here with
Django's own msgid, the message is in the portal's catalogue, which Django reads first.
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return (
            ngettext(
                "This password is too short. It must contain at least %d character.",
                "This password is too short. It must contain at least %d characters.",
                self.min_length,
            )
            % self.min_length
        )
