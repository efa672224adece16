"""The self-service bot on chat and on another channel: answering, deflecting, handing
over (asked, not confident, a second failed answer), and staying out of a person's way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from eventdesk.errors import InvalidValueError
from eventdesk_chat import ChatSessions, post
from eventdesk_selfservice import bot_stats, configure, settings_of


class Chat:
    """One customer in one chat session, writing one message a minute."""

    def __init__(self, desk, clock, key, email="carla@acme.example", **form):
        self.desk, self.clock, self.key, self.count = desk, clock, key, 1
        self.form = {"email": email, **form}

    def start(self, text):
        return post(self.desk, {"type": "start", "session": self.key, "text": text, **self.form})

    def say(self, text):
        self.count += 1
        self.clock.advance(timedelta(minutes=1))
        event = {"type": "message", "session": self.key, "id": str(self.count), "text": text}
        return post(self.desk, event)

    def lines(self):
        return [(x.author, x.text) for x in ChatSessions(self.desk).transcript(self.key)]


def bot_lines(desk, incident):
    return [m.text for m in desk.conversation(incident) if m.author_kind == "bot" and m.public]


def test_the_bot_answers_and_a_thank_you_is_a_deflection(bot_desk, clock):
    chat = Chat(bot_desk, clock, "session-bot-0001")
    opened = chat.start("I forgot my password")
    # While the bot has it, nobody is routed it.
    assert bot_desk.tenancy.route() == []
    [answer] = bot_lines(bot_desk, opened.incident)
    assert answer.startswith("If you forgot your password, open the self-service portal")
    assert "(KB0000001 Reset your email password)" in answer

    chat.say("Yes, thanks!")
    incident = bot_desk.get_incident(opened.incident)
    assert (incident.state, incident.resolution_code) == ("resolved", "self-service")
    assert [author for author, _ in chat.lines()] == ["customer", "bot", "customer", "bot"]
    figures = bot_stats(bot_desk)
    assert (figures.conversations, figures.deflected, figures.deflection_rate) == (1, 1, 1.0)
    assert figures.deflected_incidents == (opened.incident,)
    # The bot is no agent: nothing of it meets a response target.
    assert all(m.author_kind != "agent" for m in bot_desk.conversation(opened.incident))


@pytest.mark.parametrize("ask", ["I want to talk to a human", "agent please", "Una persona"])
def test_asking_for_a_person_hands_over_with_the_transcript(bot_desk, clock, ask):
    chat = Chat(bot_desk, clock, "session-bot-0002")
    opened = chat.start("How do I connect to the office VPN?")
    chat.say(ask)
    [decision] = bot_desk.tenancy.route()
    assert (decision.incident, decision.agent) == (opened.incident, "ana")
    conversation = bot_desk.conversation(opened.incident)
    assert [m.author_kind for m in conversation if m.public] == [
        "customer",
        "bot",
        "customer",
        "bot",
    ]
    assert bot_lines(bot_desk, opened.incident)[-1] == (
        "I am passing you to a person, who will see everything we have said. "
        f"Your reference is {opened.incident}."
    )
    [note] = [m for m in conversation if not m.public]
    assert note.text.startswith(
        "Handed over by the self-service bot: the customer asked for a person."
    )
    assert bot_stats(bot_desk).handover_reasons == {"the customer asked for a person": 1}
    # From now on the person has it: the bot says nothing more.
    chat.say("Hello?")
    assert len(bot_lines(bot_desk, opened.incident)) == 2


def test_a_question_no_article_answers_confidently_goes_to_a_person(bot_desk, clock):
    opened = Chat(bot_desk, clock, "session-bot-0003").start("I need a new office chair")
    assert bot_lines(bot_desk, opened.incident)[0].startswith("I am passing you to a person")
    assert bot_desk.tenancy.route()[0].agent == "ana"
    assert bot_stats(bot_desk).handover_reasons == {"no confident answer": 1}


def test_a_second_failed_answer_hands_over(bot_desk, clock):
    chat = Chat(bot_desk, clock, "session-bot-0004")
    opened = chat.start("My VPN drops every few minutes")
    chat.say("That didn't help")
    answers = bot_lines(bot_desk, opened.incident)
    assert len(answers) == 2 and "KB0000003" in answers[0] and "KB0000004" in answers[1]
    assert bot_desk.tenancy.route() == []  # still with the bot
    chat.say("No, it still drops")
    assert bot_lines(bot_desk, opened.incident)[-1].startswith("I am passing you to a person")
    assert bot_stats(bot_desk).handover_reasons == {"a second answer did not help": 1}
    assert bot_desk.tenancy.route()[0].agent == "ana"


def test_on_another_channel_the_handover_offers_the_chat_that_continues_the_incident(
    bot_desk, clock, note_channel
):
    """The customer starts with the bot on a messaging channel, is handed to a person on
    chat, and later phones in: one contact, one incident, the whole conversation."""
    desk = bot_desk
    # The messaging channel knows the customer's phone number as well.
    [taken] = desk.intake.receive(
        "note",
        note_channel.payload(
            "wa-1",
            "carla@acme.example",
            "I need a new office chair",
            tenant="acme",
            also=["phone:+34600111222"],
        ),
    )
    handover = note_channel.sent[-1].text
    assert handover.endswith(
        "continue on live chat: https://desk.example/chat?incident=" + taken.incident
    )
    chat = Chat(desk, clock, "session-bot-0005")
    chat.form = {"phone": "+34 600 111 222", "incident": taken.incident}
    joined = chat.start("Hi, the bot sent me here")
    assert (joined.status, joined.incident) == ("appended", taken.incident)
    desk.tenancy.route()
    desk.reply(taken.incident, "Hello, Ana here: which chair?", actor="ana")
    # Later the customer phones in (the note channel stands in for the phone).
    clock.advance(timedelta(hours=1))
    [call] = desk.intake.receive(
        "note", note_channel.payload("call-1", "phone:+34600111222", "Calling about the chair")
    )
    assert (call.incident, call.contact) == (taken.incident, taken.contact)
    said = [(m.author_kind, m.channel) for m in desk.conversation(taken.incident) if m.public]
    assert said == [
        ("customer", "note"),
        ("bot", "note"),
        ("customer", "chat"),
        ("agent", "chat"),
        ("customer", "note"),
    ]


def test_the_bot_stays_out_of_channels_it_is_not_on_and_incidents_a_person_has(
    bot_desk, clock, note_channel
):
    desk = bot_desk
    configure(desk, channels=["chat"])
    [taken] = desk.intake.receive(
        "note",
        note_channel.payload("n-1", "dan@acme.example", "I forgot my password", tenant="acme"),
    )
    assert bot_lines(desk, taken.incident) == []
    # Dan's incident is a person's: a chat about it gets no bot.
    opened = Chat(desk, clock, "session-bot-0006", email="dan@acme.example").start("Any news?")
    assert opened.incident == taken.incident
    assert bot_lines(desk, taken.incident) == []
    assert bot_stats(desk).conversations == 0


def test_a_bot_that_cannot_reply_hands_over_at_once(bot_desk, note_channel):
    """A sender the channel cannot answer (no address of its kind): a person must."""
    payload = note_channel.payload(
        "n-1", "phone:+34600999888", "I forgot my password", tenant="acme"
    )
    [taken] = bot_desk.intake.receive("note", payload)
    assert bot_lines(bot_desk, taken.incident) == []
    assert bot_stats(bot_desk).handover_reasons == {
        "the bot could not answer: invalid reply channel 'note': expected a channel "
        "+34600999888 can be reached on (phone:+34600999888)": 1
    }
    assert bot_desk.tenancy.route()[0].agent == "ana"


def test_the_bot_refuses_settings_it_cannot_use(bot_desk):
    assert settings_of(bot_desk) == {
        "channels": ["chat", "note"],
        "min_score": 0.3,
        "chat_url": "https://desk.example/chat",
    }
    with pytest.raises(InvalidValueError, match="min_score"):
        configure(bot_desk, min_score=2)
    with pytest.raises(InvalidValueError, match="chat_url"):
        configure(bot_desk, chat_url="desk.example/chat")
    with pytest.raises(InvalidValueError, match="self-service setting"):
        configure(bot_desk, colour="red")
    with pytest.raises(InvalidValueError, match="channels"):
        configure(bot_desk, channels="chat")


def test_a_customer_who_writes_in_spanish_gets_a_spanish_article_or_a_person(bot_desk, clock):
    desk = bot_desk
    article = desk.knowledge.add(
        "Restablecer la contraseña del correo",
        "Si olvidaste la contraseña, abre el portal de autoservicio y elige Olvidé la contraseña.",
        language="es",
    )
    desk.knowledge.publish(article.number)
    chat = Chat(desk, clock, "session-bot-es01", language="es")
    opened = chat.start("Olvidé la contraseña del correo")
    assert "(KB0000005 Restablecer la contraseña del correo)" in bot_lines(desk, opened.incident)[0]
    # No Spanish article about the VPN: a person, who speaks Spanish, takes it.
    other = Chat(desk, clock, "session-bot-es02", email="dan@acme.example", language="es")
    handed = other.start("Connect to the office VPN")
    assert bot_lines(desk, handed.incident)[0].startswith("I am passing you to a person")
