"""E-mails are rendered and sent by the task worker, in the reader's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation


@task()
def send_email(*, to: list[str], template: str, context: dict, language: str) -> None:
    """Render templates/emails/<template>_subject.txt and <template>.txt, then send.

    The context must be JSON-serializable: it travels through the task queue.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
    send_mail(subject, body, None, to)


def email_address(address, template, context, *, language):
    """Queue an e-mail once the transaction commits (nothing is sent for a change that was
    rolled back)."""
    transaction.on_commit(
        lambda: send_email.enqueue(
            to=[address], template=template, context=context, language=language
        )
    )


def email_user(user, template, context):
    """Queue an e-mail to one user, in their preferred language."""
    email_address(user.email, template, context, language=user.language)
