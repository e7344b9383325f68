"""journeymap's words, in one place: Coleman's phases, channels, statuses, the parts people
take, images, and dates and days in words.

The format (`workspace.schema`), the derived data and every page, diagram, calendar and
review read them from here, so that a channel has one label everywhere and a new one is added
once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

# ---- Joey Coleman's eight phases, in the order a client lives them ---------------------------

PHASES = ("assess", "admit", "affirm", "activate", "acclimate", "accomplish", "adopt", "advocate")
PHASE_TITLES = {phase: phase.capitalize() for phase in PHASES}

# ---- how a touchpoint reaches the client ---------------------------------------------------

CHANNEL_LABELS = {
    "email": "Email", "call": "Call", "meeting": "Meeting", "video": "Video", "gift": "Gift",
    "mail": "Mail", "sms": "Text message", "social": "Social", "event": "Event",
    "in-person": "In person", "other": "Other",
}  # fmt: skip
CHANNELS = tuple(CHANNEL_LABELS)
CHANNEL_WORDS = {channel: label.lower() for channel, label in CHANNEL_LABELS.items()}  # in prose
# Shown before the channel's name on map cards; all in DejaVu Sans, so no tofu on Linux.
CHANNEL_GLYPHS = {
    "email": "\u2709", "call": "\u260e", "meeting": "\u25ce", "video": "\u25b6", "gift": "\u273f",
    "mail": "\u270e", "sms": "\u2706", "social": "\u263a", "event": "\u2691",
    "in-person": "\u263b", "other": "\u2022",
}  # fmt: skip

# ---- a journey map's lanes: what a workshop wall holds for each stage, besides the cards ----

# In the order the map shows them: what the client does, thinks and asks (their side), the pain
# points and the ideas the room wants to try, then the work the client never sees (a service
# blueprint's backstage, below its line of visibility). A journey may add lanes of its own.
LANE_LABELS = {
    "does": "Does", "thinks": "Thinks", "asks": "Asks", "pains": "Pain points",
    "opportunities": "Opportunities", "backstage": "Backstage",
}  # fmt: skip
LANES = tuple(LANE_LABELS)
BACKSTAGE = "backstage"  # drawn last, below the line of visibility

# ---- where an occurrence stands, as of the build date ---------------------------------------

STATUS_LABELS = {
    "overdue": "Overdue", "due": "Due this week", "upcoming": "Upcoming", "done": "Done",
    "undated": "No date yet", "skipped": "Skipped", "missed": "Missed", "paused": "Paused",
}  # fmt: skip
STATUSES = tuple(STATUS_LABELS)

# ---- the parts people take in a touchpoint (the keys of the file), strongest first ----------

PARTS = ("owner", "support", "informed")
PART_LABELS = {"owner": "Owner", "support": "Support", "informed": "Kept informed"}
PART_VERBS = {"owner": "owns", "support": "supports", "informed": "informed"}  # the matrix's

# ---- what `journeymap export` writes ---------------------------------------------------------

EXPORT_SUFFIXES = {"png": ".png", "pdf": ".pdf", "svg": ".svg", "mermaid": ".md"}
EXPORT_FORMATS = tuple(EXPORT_SUFFIXES)
DIAGRAM_KINDS = ("flow", "responsibility")

# ---- photos ---------------------------------------------------------------------------------

IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".webp": "image/webp", ".gif": "image/gif"}
IMAGE_SUFFIXES = tuple(IMAGE_TYPES)

# ---- dates and days in words (the same in every locale) --------------------------------------

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(date: dt.date | None) -> str:
    """`Tue 24 Nov 2026`."""
    if date is None:
        return ""
    return f"{WEEKDAYS[date.weekday()]} {date.day} {MONTHS[date.month - 1]} {date.year}"


def format_month(date: dt.date) -> str:
    """`Nov 2026`."""
    return f"{MONTHS[date.month - 1]} {date.year}"


def format_day(day: int | None) -> str:
    """`Day 5`, `Day 0`, `Day -18`."""
    return "" if day is None else f"Day {day}"


def date_name(key: str) -> str:
    """A name from a client's `dates:` or `preferences:` in words: `favorite_treat` →
    `favorite treat`."""
    return key.replace("_", " ")


# ---- a business's own words -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Words:
    """The words a business uses for the people it serves and the moment day 1 is: a
    restaurant's guests have a first visit, a firm's clients sign. The site names them (the
    plugin's `words:` option) and a journey may name its own (its `words:` key)."""

    client: str = "client"
    clients: str = "clients"
    signing: str = "signing"  # the moment of day 1, as a noun: "signing", "first visit"
    signed: str = "signed"  # ...as a verb in the past: "signed", "first came"
    sales: str = "sales"  # who wins them: "sales", "the host"

    FIELDS = ("client", "clients", "signing", "signed", "sales")

    def count(self, number: int) -> str:
        """`1 client`, `3 clients`, in these words (`1 guest`)."""
        return count(number, self.client, self.clients)

    def over(self, given: dict[str, str] | None) -> Words:
        """These words, with those in `given` instead (`clients` follows `client` unless
        given: `guest` makes `guests`)."""
        if not given:
            return self
        changes = {key: value for key, value in given.items() if key in self.FIELDS}
        if "client" in changes and "clients" not in changes:
            changes["clients"] = changes["client"] + "s"
        return dataclasses.replace(self, **changes)


def capitalized(text: str) -> str:
    """`text` with its first letter a capital, the rest as written ("CEO" stays "CEO", where
    str.capitalize would make it "Ceo")."""
    return text[:1].upper() + text[1:]


def count(number: int, one: str, many: str | None = None) -> str:
    """`1 touchpoint`, `2 touchpoints`, `1 person`, `3 people`."""
    return f"{number:,} {one if number == 1 else (many or one + 's')}"
