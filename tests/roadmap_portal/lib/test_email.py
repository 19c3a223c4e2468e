from django.core import mail

from roadmap_portal.lib.email import send_email

NAME = 'Bērni & jaunieši "Kopā" <Talsi>'


def test_subject_and_body_keep_ampersands_quotes_and_angle_brackets():
    send_email.call(
        to=["rep@example.org"],
        template="entry_approved",
        context={"organization": NAME, "url": "https://portal.example/?a=1&b=2"},
        language="en",
    )
    message = mail.outbox[0]
    assert message.subject == f"{NAME} is published"
    assert NAME in message.body
    assert "https://portal.example/?a=1&b=2" in message.body
    assert "&amp;" not in message.subject + message.body
    assert "&quot;" not in message.subject + message.body
    assert "&lt;" not in message.subject + message.body


def test_a_line_break_in_a_name_is_folded_in_the_subject_and_the_e_mail_is_sent():
    send_email.call(
        to=["rep@example.org"],
        template="entry_waiting",
        context={"organization": "Biedrība\r\nBcc: victim@example.org\n„Zīlīte”", "url": "/"},
        language="en",
    )
    assert mail.outbox[0].subject == (
        "New entry to check: Biedrība Bcc: victim@example.org „Zīlīte”"
    )
    assert mail.outbox[0].recipients() == ["rep@example.org"]


def test_an_answer_goes_to_the_reply_to_address_and_not_to_the_sender():
    send_email.call(
        to=["info@example.org"],
        template="contact_message",
        context={
            "organization": NAME,
            "name": "Jānis",
            "email": "janis@example.org",
            "message": "Sveiki",
        },
        language="en",
        reply_to=["Jānis <janis@example.org>"],
    )
    message = mail.outbox[0]
    assert message.reply_to == ["Jānis <janis@example.org>"]
    assert "Reply-To: =?utf-8?q?J=C4=81nis?= <janis@example.org>" in message.message().as_string()
    assert message.from_email != "janis@example.org"


def test_without_reply_to_the_e_mail_has_no_such_header():
    send_email.call(
        to=["rep@example.org"],
        template="entry_approved",
        context={"organization": NAME, "url": "/"},
        language="en",
    )
    assert "Reply-To" not in mail.outbox[0].message().as_string()
