"""A realistic morning at a service desk, played through the real engine.

Used by ``make demo`` (``eventdesk demo``): it opens, works, holds, resolves,
reopens, closes and cancels incidents on virtual time, starting on Monday
2 March 2026 at 08:00 UTC, so the result is the same on every run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage

from eventdesk.application import ServiceDesk
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.clock import ManualClock
from eventdesk.views import IncidentView

MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class Morning:
    """The script of the morning; each step advances the virtual clock."""

    def __init__(
        self, desk: ServiceDesk, clock: ManualClock, say: Callable[[str], None] = lambda line: None
    ) -> None:
        self.desk = desk
        self.clock = clock
        self.say = say
        self.opened: dict[str, IncidentView] = {}
        self.omnichannel: str | None = None  # the incident of the omnichannel morning

    def at(self, hh_mm: str) -> None:
        hours, minutes = (int(part) for part in hh_mm.split(":"))
        moment = MORNING.replace(hour=hours, minute=minutes)
        if moment > self.clock.now():
            self.clock.set(moment)
        # The SLA timer worker, as it would run in the background.
        for raised in self.desk.sla.tick(moment):
            who = f" {raised.supervisor}" if raised.supervisor else ""
            escalated = f"; {raised.escalated_to}{who} brought in" if raised.escalated_to else ""
            self.say(
                f"{raised.due_at:%H:%M} {raised.incident} SLA {raised.metric} "
                f"{'breached' if raised.moment == 'breach' else raised.moment + ' warning'}"
                f"{escalated}"
            )

    def open(self, key: str, summary: str, impact: int, urgency: int, **fields: object) -> str:
        view = self.desk.open_incident(summary, impact=impact, urgency=urgency, **fields)
        self.opened[key] = view
        self.say(f"{self.clock.now():%H:%M} {view.number} opened (P{view.priority}): {summary}")
        return view.number

    def play(self) -> None:
        d = self.desk
        self.at("08:02")
        mail = self.open(
            "mail",
            "Email not delivered for the whole Madrid office",
            1,
            1,
            caller="marta.ruiz",
            category="email",
            configuration_item="mx-01",
            actor="ana",
        )
        d.assign(mail, "messaging", "bruno", actor="ana")
        d.declare_major(mail, actor="ana")
        d.start(mail, actor="bruno")
        d.comment(mail, "We know email is down and are working on it.", actor="ana")
        self.at("08:06")
        for caller in ("luis.gomez", "sofia.diaz", "peter.novak"):
            self.open(
                f"mail-{caller}",
                "Cannot send email",
                2,
                1,
                caller=caller,
                category="email",
                parent=mail,
                actor="ana",
            )
        self.at("08:11")
        pwd = self.open(
            "pwd",
            "Password expired, locked out of laptop",
            3,
            2,
            caller="jan.berg",
            category="access",
            actor="carla",
        )
        d.resolve(pwd, "solved_first_contact", "Password reset on the call.", actor="carla")
        self.at("08:19")
        vpn = self.open(
            "vpn",
            "VPN drops every few minutes from home",
            2,
            2,
            caller="ines.moreau",
            category="network",
            actor="carla",
        )
        d.assign(vpn, "service-desk", "carla", actor="carla")
        d.start(vpn, actor="carla")
        d.comment(
            vpn,
            "Caller on fibre; drops since Friday's client update.",
            internal=True,
            actor="carla",
        )
        d.assign(vpn, "network", "dmitri", actor="carla")
        self.at("08:27")
        printer = self.open(
            "printer",
            "Printer on floor 3 jams",
            3,
            3,
            caller="olga.k",
            category="hardware",
            actor="ana",
        )
        self.at("08:31")
        self.open(
            "printer-dup",
            "Floor 3 printer not working",
            3,
            3,
            caller="tom.h",
            category="hardware",
            actor="ana",
        )
        d.cancel(self.opened["printer-dup"].number, "Duplicate of " + printer, actor="ana")
        self.at("08:40")
        d.hold(
            vpn, "awaiting_vendor", note="Ticket 88123 raised with the VPN vendor.", actor="dmitri"
        )
        self.at("08:44")
        laptop = self.open(
            "laptop",
            "Laptop very slow after update",
            3,
            2,
            caller="noah.lee",
            category="hardware",
            actor="carla",
        )
        d.assign(laptop, "desktop", "ana", actor="carla")
        d.start(laptop, actor="ana")
        self.at("08:58")
        d.resolve(laptop, "workaround", "Rolled back the graphics driver.", actor="ana")
        self.at("09:05")
        d.comment(
            mail,
            "Mail queue on mx-01 is full; failing over to mx-02.",
            internal=True,
            actor="bruno",
        )
        self.at("09:12")
        erp = self.open(
            "erp",
            "ERP invoices screen returns error 500",
            2,
            1,
            caller="finance.lead",
            category="application",
            configuration_item="erp-prod",
            actor="ana",
        )
        d.assign(erp, "applications", "eva", actor="ana")
        d.start(erp, actor="eva")
        d.hold(erp, "awaiting_change", note="Fix needs CHG0004411 tonight.", actor="eva")
        self.at("09:20")
        d.reopen(laptop, "Still slow after lunch break reboot.", actor="carla")
        d.assign(laptop, "desktop", "felix", actor="carla")
        self.at("09:31")
        d.resolve(mail, "fixed", "Failed over to mx-02; queue drained.", actor="bruno")
        self.say(f"{self.clock.now():%H:%M} {mail} resolved with its 3 child incidents")
        self.at("09:40")
        d.resolve(printer, "fixed", "Cleared the jam, replaced the roller.", actor="ana")
        d.close_incident(pwd, actor="carla")
        self.at("09:55")
        wifi = self.open(
            "wifi",
            "Guest Wi-Fi password wanted for visitors",
            3,
            3,
            caller="reception",
            category="network",
            actor="carla",
        )
        d.start(wifi, actor="carla")
        d.hold(wifi, "awaiting_caller", note="Asked how many visitors.", actor="carla")
        self.at("10:10")
        d.resume(vpn, actor="dmitri")
        d.comment(vpn, "Vendor sent a patched client; testing with the caller.", actor="dmitri")
        self.at("10:30")
        d.close_incident(printer, actor="ana")


class Tenants:
    """Three client companies, one of each service model, and an evening of work.

    Acme Bank has a dedicated team on Paris office hours; Globex Retail a
    dedicated team by day and the shared pool by night (hybrid); Initech is
    served by the shared pool alone. At 21:30 each opens an incident: Acme's
    waits for its team's next shift, the others go to the pool at once.
    """

    def __init__(self, desk: ServiceDesk, clock: ManualClock, say: Callable[[str], None]) -> None:
        self.desk = desk
        self.clock = clock
        self.say = say
        self.opened: dict[str, str] = {}

    def at(self, moment: datetime) -> None:
        if moment > self.clock.now():
            self.clock.set(moment)
        self.desk.sla.tick(moment)

    def route(self) -> None:
        for decision in self.desk.tenancy.route():
            who = f"→ {decision.agent} ({decision.team})" if decision.agent else "waits"
            self.say(f"{self.clock.now():%a %H:%M} {decision.incident} {who}: {decision.reason}")

    def play(self) -> None:
        t = self.desk.tenancy
        self.at(MORNING.replace(hour=11))
        self.desk.sla.import_calendar(
            BusinessCalendar.weekdays("paris-office", "Europe/Paris", "08:00", "18:00")
        )
        self.desk.sla.import_calendar(
            BusinessCalendar.weekdays("madrid-office", "Europe/Madrid", "09:00", "18:00")
        )
        t.register_tenant(
            "acme-bank",
            model="dedicated",
            service_manager="sofia",
            calendar="paris-office",
            monthly_fee=4200,
            hourly_rate=65,
        )
        t.register_tenant(
            "globex-retail",
            model="hybrid",
            service_manager="sofia",
            calendar="madrid-office",
            monthly_fee=3900,
            hourly_rate=60,
            overflow_wait_minutes=20,
            category_groups={"network": "network-ops"},
        )
        t.register_tenant(
            "initech", model="shared", service_manager="omar", hourly_rate=55, weight=1
        )
        t.form_team(
            "acme-desk",
            kind="dedicated",
            tenant="acme-bank",
            calendar="paris-office",
            supervisors={"shift_manager": "lea", "team_manager": "sofia"},
        )
        t.form_team(
            "globex-desk", kind="dedicated", tenant="globex-retail", calendar="madrid-office"
        )
        t.form_team("pool", kind="shared", supervisors={"shift_manager": "omar"})
        t.form_team("network-ops", kind="specialist", skill_area="network")
        for name, team, languages in (
            ("lea", "acme-desk", ["fr", "en"]),
            ("marc", "acme-desk", ["fr"]),
            ("nuria", "globex-desk", ["es", "en"]),
            ("omar", "pool", ["en", "es"]),
            ("pia", "pool", ["en", "fr"]),
            ("dmitri", "network-ops", ["en"]),
        ):
            t.register_agent(name, teams=[team], languages=languages, skills=["windows"])
            t.set_presence(name, "available")
        for tenant in ("acme-bank", "globex-retail", "initech"):
            cover = t.coverage(tenant)
            self.say(
                f"{self.clock.now():%a %H:%M} {tenant} ({t.tenant(tenant).model}) covered by "
                f"{', '.join(cover.agents) or 'nobody'}: {cover.reason}"
            )
        evening = MORNING.replace(hour=21, minute=30)
        self.at(evening)
        for tenant, summary in (
            ("acme-bank", "Trading terminal frozen"),
            ("globex-retail", "Tills cannot reach the payment gateway"),
            ("initech", "Shared drive full"),
        ):
            view = self.desk.open_incident(
                summary, impact=2, urgency=1, tenant=tenant, caller=f"night.{tenant}", actor="ivr"
            )
            self.opened[tenant] = view.number
            self.say(
                f"{self.clock.now():%a %H:%M} {view.number} opened for {tenant} out of hours "
                f"(P{view.priority}): {summary}"
            )
        self.route()
        for entry in t.queue():
            self.say(
                f"{self.clock.now():%a %H:%M} {entry.incident} waiting: position {entry.position}, "
                f"about {entry.estimated_wait_minutes} min"
            )
        self.at(evening.replace(minute=50))
        gateway = self.opened["globex-retail"]
        self.desk.categorise(gateway, category="network", actor="omar")
        self.desk.log_work(gateway, 15, actor="omar")
        escalated = self.desk.escalate(gateway, actor="omar")
        self.say(
            f"{self.clock.now():%a %H:%M} {gateway} escalated by category to "
            f"{escalated.assignment_group}"
        )
        self.route()
        self.at(MORNING.replace(day=3, hour=7, minute=5))  # 08:05 in Paris
        self.route()
        self.desk.log_work(self.opened["acme-bank"], 40, actor="lea")
        self.desk.log_work(self.opened["initech"], 25, actor="omar")
        self.desk.log_work(gateway, 50, actor="dmitri")
        for tenant in ("acme-bank", "globex-retail", "initech"):
            report = t.cost(tenant, f"{MORNING:%Y-%m}")
            self.say(
                f"{tenant} cost for {report.month} ({report.model}): {report.total:.2f} "
                f"(fees {report.fixed_fees:.2f}, hours {report.hourly_charges:.2f})"
            )


class Omnichannel:
    """The next morning, one customer on two channels, and what the desk cannot read.

    Marta of Globex Retail emails about her till, then writes on the web form; both
    messages join one incident. The web form posts twice (a browser retry): the
    second is a duplicate. A broken email is kept as a dead letter. Nuria answers;
    the reply waits in the outbox for ``eventdesk serve`` (or ``eventdesk
    deliveries run``) to send it, since the demo has no mail server.

    It needs the email and web channels (shipped plugins); without them it says so.
    """

    def __init__(self, desk: ServiceDesk, clock: ManualClock, say: Callable[[str], None]) -> None:
        self.desk = desk
        self.clock = clock
        self.say = say
        self.incident: str | None = None

    def at(self, hour: int, minute: int) -> str:
        self.clock.set(max(self.clock.now(), MORNING.replace(day=3, hour=hour, minute=minute)))
        return f"{self.clock.now():%a %H:%M}"

    def play(self) -> None:
        if not {"email", "web"} <= set(self.desk.channels.names()):
            self.say("(the email and web channels are not installed: no omnichannel morning)")
            return
        desk = self.desk
        desk.channels.configure("email", {"address": "support@desk.example"})
        desk.tenancy.update_tenant("globex-retail", domains=["globex.example"])
        mail = EmailMessage()
        mail["From"] = "Marta Ruiz <marta@globex.example>"
        mail["To"] = "support@desk.example"
        mail["Subject"] = "Till 4 refuses every card"
        mail["Message-ID"] = "<till4-0900@globex.example>"
        mail.set_content("Since we opened, till 4 declines every card payment.")
        when = self.at(9, 0)
        [emailed] = desk.intake.receive("email", mail.as_bytes())
        self.incident = emailed.incident
        tenant = desk.get_incident(emailed.incident).tenant
        self.say(
            f"{when} email from marta@globex.example {emailed.status} {emailed.incident} "
            f"for {tenant}"
        )
        form = json.dumps(
            {
                "email": "marta@globex.example",
                "text": "Till 2 does it too now.",
                "message_id": "f-1",
            }
        ).encode()
        when = self.at(9, 12)
        for _attempt in range(2):  # the browser posts twice
            [posted] = desk.intake.receive("web", form, {"Content-Type": "application/json"})
            self.say(
                f"{when} web form from marta@globex.example: {posted.status} {posted.incident}"
            )
        when = self.at(9, 14)
        [broken] = desk.intake.receive("email", b"From: nobody\r\nSubject: \xff\xfe\r\n")
        self.say(f"{when} an email nobody can read: {broken.status} ({broken.reason})")
        when = self.at(9, 20)
        desk.reply(
            emailed.incident,
            "We are replacing the card reader of tills 2 and 4 this morning.",
            actor="nuria",
            send=False,
        )
        [pending] = desk.intake.deliveries(state="pending")
        self.say(
            f"{when} nuria replied to {emailed.incident} by {pending.channel}: the reply waits "
            "in the outbox (eventdesk serve sends it)"
        )


def run_demo(desk: ServiceDesk, clock: ManualClock, say: Callable[[str], None]) -> Morning:
    morning = Morning(desk, clock, say)
    morning.play()
    Tenants(desk, clock, say).play()
    channels = Omnichannel(desk, clock, say)
    channels.play()
    morning.omnichannel = channels.incident
    return morning
