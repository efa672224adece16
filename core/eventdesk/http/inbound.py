"""The routes channels deliver to: ``POST /channels/{name}/inbound`` and its ``GET``.

No API token here: a channel authenticates its own payloads (a webhook's
signature), and a public web form has nobody to authenticate. Whatever is
posted goes to ``desk.intake.receive``, which takes it or keeps it as a dead
letter, never drops it; the answer says which.
"""

from __future__ import annotations

import html
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from eventdesk.application import ServiceDesk
from eventdesk.channels.registry import UnknownChannelError
from eventdesk.http.bodies import JSONAnswer, read_body
from eventdesk.http.errors import HttpError, error_body
from eventdesk.http.gate import in_desk
from eventdesk.intake.service import IntakeResult

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _unknown_channel(error: UnknownChannelError) -> HttpError:
    return HttpError(404, type(error).__name__, error.message, **error.details)


def _posted_a_form(request: Request) -> bool:
    """A browser posted a form: it is answered a page, not JSON."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type in FORM_TYPES


def _status(results: list[IntakeResult]) -> int:
    if any(r.status == "unauthenticated" for r in results):
        return 401
    if any(r.status == "dead_letter" for r in results):
        return 400
    return 200


async def receive(request: Request) -> Response:
    """Hand the payload to intake: 200 when taken, 400 when kept as a dead letter (with
    its reason and id), 401 when the channel refused its signature, 404 for no channel."""
    name = request.path_params["name"]
    desk: ServiceDesk = request.app.state.desk
    payload = await read_body(
        request, limit=max(request.app.state.max_body, desk.intake.max_payload)
    )
    headers = dict(request.headers)
    try:
        results = await in_desk(request, desk.intake.receive, name, payload, headers)
    except UnknownChannelError as error:
        raise _unknown_channel(error) from None
    status = _status(results)
    if _posted_a_form(request):
        return HTMLResponse(answer_page(name, results, status), status_code=status)
    body: dict[str, Any] = {"results": [result.to_dict() for result in results]}
    if status != 200:
        refused = next(r for r in results if not r.taken)
        kind = "Unauthenticated" if status == 401 else "DeadLetter"
        details = {"channel": name, "dead_letter": refused.dead_letter}
        body = {**error_body(kind, refused.reason or "refused", details), **body}
    return JSONAnswer(body, status_code=status)


async def handshake(request: Request) -> Response:
    """The channel's answer to a GET (a verification handshake, a form), or 405."""
    name = request.path_params["name"]
    desk: ServiceDesk = request.app.state.desk
    try:
        channel = await in_desk(request, desk.channels.get, name)
    except UnknownChannelError as error:
        raise _unknown_channel(error) from None
    answer = await in_desk(
        request, channel.http_get, dict(request.query_params), dict(request.headers)
    )
    if answer is None:
        raise HttpError(
            405,
            "MethodNotAllowed",
            f"the {name} channel takes no GET: POST its payloads",
            headers={"Allow": "POST"},
            channel=name,
        )
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type)


# --- the page a browser is answered --------------------------------------------------------


def answer_page(channel: str, results: list[IntakeResult], status: int) -> str:
    """``Thank you — your reference is INC…``, or what was wrong with the form."""
    e = html.escape
    back = f"/channels/{e(channel)}/inbound"
    if status == 200:
        numbers = list(dict.fromkeys(r.incident for r in results if r.incident))
        title = "Thank you"
        if numbers:
            reference = ", ".join(numbers)
            body = (
                f"<p>Thank you — your reference is <strong>{e(reference)}</strong>. "
                "We will answer you by email; quote this reference if you write again.</p>\n"
                f'<p><a href="{back}?incident={e(numbers[-1])}">Write again about '
                f"{e(numbers[-1])}</a></p>"
            )
        else:
            body = "<p>Thank you — your message was received.</p>"
    else:
        title = "Your message could not be taken"
        reasons = "".join(f"<li>{e(r.reason or 'refused')}</li>" for r in results if not r.taken)
        body = (
            f"<p>We could not take your message:</p>\n<ul>{reasons}</ul>\n"
            f'<p><a href="{back}">Back to the form</a></p>'
        )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
</head>
<body>
<main>
<h1>{e(title)}</h1>
{body}
</main>
</body>
</html>
"""


routes = [
    Route("/channels/{name}/inbound", receive, methods=["POST"]),
    Route("/channels/{name}/inbound", handshake, methods=["GET"]),
]
