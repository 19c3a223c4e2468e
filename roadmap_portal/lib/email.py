"""E-mails are rendered and sent by the task worker, in the reader's language."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template import Context
from django.template.loader import get_template
from django.utils import translation


def render_plain_text(template_name: str, context: dict) -> str:
    """Render a template as plain text: an e-mail is not HTML, so `&`, `"` and `<` in a
    name stay as they are instead of becoming `&amp;`, `&quot;` and `&lt;`."""
    # The Django engine's own template, to render it with a context that does not escape.
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def one_line(text: str) -> str:
    """Text folded onto one line, every run of spaces and line breaks as one space: a line
    break in a header makes sending fail."""
    return " ".join(text.split())


@task()
def send_email(
    *, to: list[str], template: str, context: dict, language: str, reply_to: list[str] = ()
) -> None:
    """Render templates/emails/<template>_subject.txt and <template>.txt, then send.

    The context must be JSON-serializable: it travels through the task queue. `reply_to`
    (addresses on one line each: Django refuses a header with a line break) is where an
    answer goes instead of the portal's sender address.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = one_line(render_plain_text(f"emails/{template}_subject.txt", context))
        body = render_plain_text(f"emails/{template}.txt", context)
    EmailMessage(subject, body, None, to, reply_to=list(reply_to)).send()


def email_address(address, template, context, *, language, reply_to=()):
    """Queue an e-mail once the transaction commits (nothing is sent for a change that was
    rolled back)."""
    transaction.on_commit(
        lambda: send_email.enqueue(
            to=[address],
            template=template,
            context=context,
            language=language,
            reply_to=list(reply_to),
        )
    )


def email_user(user, template, context, *, reply_to=()):
    """Queue an e-mail to one user, in their preferred language."""
    email_address(user.email, template, context, language=user.language, reply_to=reply_to)
