"""Scenarios of features/web_intake.feature: a browser's form posts to a real server.

The form is posted as a browser posts it (``application/x-www-form-urlencoded``) to the
desk's HTTP server on loopback, and what the customer sees is the page it answers; what
the desk did is read back from the desk.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from eventdesk import ServiceDesk
from eventdesk.http import create_app
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("web_intake.feature")

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
REFERENCE = re.compile(r"Thank you — your reference is <strong>(INC\d{7})</strong>")


@given(parsers.parse("tenant {tenant}'s customers write from the email domain {domain}"))
def tenant_with_domain(desk: ServiceDesk, tenant: str, domain: str) -> None:
    desk.tenancy.register_tenant(
        tenant.lower(), model="shared", service_manager="sofia", domains=[domain]
    )


@given("the desk's HTTP server is running", target_fixture="server")
def running_server(desk: ServiceDesk, live_server):
    server = live_server(create_app(desk))
    form = server.request("GET", "/channels/web/inbound")
    assert form.status == 200 and "<form" in form.text
    return server


def send_form(server, fields: dict[str, str]):
    return server.request(
        "POST", "/channels/web/inbound", body=urlencode(fields).encode(), headers=FORM
    )


@when(
    parsers.parse(
        '"{email}" sends the web form with the subject "{subject}" and the text "{text}"'
    ),
    target_fixture="page",
)
def send_new(server, email: str, subject: str, text: str):
    return send_form(server, {"email": email, "subject": subject, "text": text})


@when(
    parsers.parse('"{email}" sends the web form with the subject "{subject}" and no text'),
    target_fixture="page",
)
def send_without_text(server, email: str, subject: str):
    return send_form(server, {"email": email, "subject": subject, "text": ""})


@when(
    parsers.parse('"{email}" sends the web form about {number} with the text "{text}"'),
    target_fixture="page",
)
def send_about(server, email: str, number: str, text: str):
    return send_form(server, {"email": email, "incident": number, "text": text})


@given(parsers.parse('"{email}" opened {number} from the web form with the text "{text}"'))
def opened_from_the_web(server, email: str, number: str, text: str) -> None:
    page = send_form(server, {"email": email, "text": text})
    assert REFERENCE.search(page.text).group(1) == number


@given(parsers.parse('{agent} resolved {number} with code "{code}"'))
def resolved(desk: ServiceDesk, agent: str, number: str, code: str) -> None:
    desk.resolve(number, code, actor=agent.lower())


@given(
    parsers.parse("the desk sends its email as {address} through its mail server"),
    target_fixture="mail_server",
)
def desk_mail_server(desk: ServiceDesk, smtp_server, address: str):
    desk.channels.configure("email", smtp_server.settings(address))
    return smtp_server


@when(parsers.parse('{agent} replies "{text}" to {number}'))
def agent_replies(desk: ServiceDesk, server, agent: str, number: str, text: str) -> None:
    token, _ = desk.tokens.create(agent.lower(), f"admin:{agent.lower()}")
    answer = server.request(
        "POST", f"/api/incidents/{number}/replies", json_body={"text": text}, token=token
    )
    assert answer.status == 200, answer


@then(parsers.parse('"{email}" receives an email about [{number}] saying "{text}"'))
def receives_email(mail_server, email: str, number: str, text: str) -> None:
    [delivery] = mail_server.deliveries
    message = delivery.message
    assert delivery.rcpt_tos == (email,)
    assert f"[{number}]" in message["Subject"]
    assert text in message.get_body(preferencelist=("plain",)).get_content()


@then(parsers.parse("the page thanks them and gives the reference {number}"))
def page_gives_reference(page, number: str) -> None:
    assert page.status == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    found = REFERENCE.search(page.text)
    assert found is not None, page.text
    assert found.group(1) == number


@then(parsers.parse('the page says the message could not be taken because "{reason}"'))
def page_refuses(page, reason: str) -> None:
    assert page.status == 400
    assert "<h1>Your message could not be taken</h1>" in page.text
    assert reason.replace("'", "&#x27;") in page.text


@then(
    parsers.parse(
        'incident {number} "{summary}" is open for tenant {tenant}, opened from the web by '
        'the contact "{email}"'
    )
)
def incident_from_the_web(desk: ServiceDesk, number: str, summary: str, tenant: str, email: str):
    incident = desk.get_incident(number)
    contact = desk.contacts.get(email)
    assert (incident.summary, incident.state, incident.tenant, incident.channel) == (
        summary,
        "new",
        tenant.lower(),
        "web",
    )
    assert incident.contact == contact.id
    assert incident.reply_channel == "web"  # the reply goes by email: web replies via email


@then(parsers.parse("the conversation of {number} is:"))
def conversation_is(desk: ServiceDesk, number: str, datatable) -> None:
    header, *rows = datatable
    assert header == ["from", "channel", "text"]
    assert [[m.actor, m.channel, m.text] for m in desk.conversation(number)] == rows


@then(parsers.parse("there is {count:d} incident"))
@then(parsers.parse("there are {count:d} incidents"))
def incident_count(desk: ServiceDesk, count: int) -> None:
    assert desk.list_incidents().total == count


@then(parsers.parse("{number} is {state}, reopened {times:d} time"))
def reopened(desk: ServiceDesk, number: str, state: str, times: int) -> None:
    incident = desk.get_incident(number)
    assert (incident.state, incident.reopen_count) == (state, times)


@then(parsers.parse('the form is kept as a dead letter because "{reason}"'))
def kept(desk: ServiceDesk, reason: str) -> None:
    [letter] = desk.dead_letters.list()
    assert (letter.channel, letter.reason, letter.state) == ("web", reason, "open")
    assert b"subject=Help" in desk.dead_letters.show(letter.id).payload
