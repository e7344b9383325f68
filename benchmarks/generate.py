"""Write a realistic journey workspace of any size, the same bytes for the same arguments.

    python benchmarks/generate.py --clients 1000 --people 46 --seed 1 --out /tmp/ws

One journey (32 touchpoints in 7 stages, all eight Coleman phases), M people with small
PNG photos and bios, and N clients whose signing days run from 400 days before the build
date to 10 days after it, each with a team, preferences, dates, a done log that fits how
far along they are (some occurrences skipped with a reason, some never done, so missed),
about one feedback answer a month, and one in eight of those past their first month left.
Photos are PNGs written with zlib (no imaging library needed), so the output does not
depend on what else is installed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
import struct
import sys
import textwrap
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

AS_OF = dt.date(2026, 11, 24)
JOURNEY_ID = "client-care"
ROLES = ("sales", "lead", "assistant", "founder")

MKDOCS_YML = """\
site_name: {agency}
site_description: The journey we give every client, and who looks after whom.
docs_dir: docs
theme:
  name: mkdocs
  highlightjs: false
plugins:
  - search
  - journeymap:
      guessable_meet_names: true  # made-up clients; a real site sets JOURNEYMAP_SECRET
"""

PLAYBOOK_MD = """\
# How we use this site

Every page here is built from the files in `journeys/`. Change a file, open a pull request,
and the site follows. Ask the client lead before you change a client's team.
"""

# The journey: fixed text, so that every size measures the same journey.
JOURNEY_YML = """\
# The journey every client gets, from the first reply to the years after.
title: Client Care Journey
summary: |
  What we do for a client, and when, from the day they first write to us until long after
  their first year. The first hundred days get the most care: that is when a new client
  decides whether they made the right choice.

roles:
  sales: New business lead
  lead: Client lead
  assistant: Client coordinator
  founder: Founder

stages:
  - id: courting
    title: Before signing
    from: -40
    to: 0
    phases: [assess, admit]
    feel: Listened to, never pushed
  - id: welcome-week
    title: Welcome week
    from: 1
    to: 7
    phases: [admit, affirm, activate]
    feel: Glad they said yes
  - id: settling-in
    title: Settling in
    from: 8
    to: 30
    phases: [activate, acclimate]
    feel: Looked after while they learn our ways
  - id: finding-rhythm
    title: Finding a rhythm
    from: 31
    to: 60
    phases: [acclimate]
    feel: Comfortable, with fewer questions each week
  - id: first-wins
    title: First wins
    from: 61
    to: 100
    phases: [accomplish]
    feel: Proud of a result they can point to
  - id: half-year
    title: Half a year in
    from: 101
    to: 200
    phases: [adopt]
    feel: Working with us is simply how things are done
  - id: year-round
    title: Every year after
    from: 201
    to: 365
    phases: [advocate, adopt]
    feel: Remembered, and happy to tell friends

touchpoints:
  - id: intro-reply
    title: A personal first reply
    day: -38
    owner: sales
    channel: email
    phase: assess
    feel: 3
    emotion: curious
    description: Reply the same day, from a named person, with two times for a first call.
  - id: discovery-call
    title: Discovery call
    day: -32
    owner: sales
    channel: call
    phase: assess
    feel: 4
    emotion: heard
    description: |
      Let them talk about the business and what a good year would mean. Ask what they care
      about outside work, and write it down.
  - id: call-notes
    title: Notes from our call
    day: -31
    owner: sales
    channel: email
    phase: assess
    feel: 4
    emotion: understood
    description: Our notes of the call in their words, so they can fix what we misheard.
  - id: nudge
    title: A useful nudge
    day: -28
    repeat: {every: 6, times: 3}
    owner: sales
    channel: email
    phase: assess
    feel: 3
    emotion: respected
    description: One idea or article that helps them, and an easy way to say "later".
  - id: site-visit
    title: Visit in person
    day: -12
    owner: sales
    support: [lead]
    channel: in-person
    phase: admit
    feel: 4
    emotion: trusting
    description: See where they work and introduce the lead who would look after them.
  - id: proposal-review
    title: Proposal, read together
    day: -6
    owner: sales
    support: [lead]
    channel: meeting
    phase: admit
    feel: 4
    emotion: confident
    client_visible: true
    description: Go through the proposal side by side, including the plan for the first 100 days.
  - id: signing-day
    title: Signing day
    day: 1
    owner: sales
    informed: [lead, assistant, founder]
    channel: meeting
    phase: admit
    feel: 5
    emotion: excited
    client_visible: true
    description: Sign, celebrate a little, and say exactly what happens in the first week.
  - id: founder-thanks
    title: A letter from the founder
    day: 1
    owner: founder
    channel: mail
    phase: admit
    feel: 5
    emotion: valued
    surprise: true
    description: A handwritten letter posted on signing day.
  - id: handover
    title: Handover to the client team
    day: 2
    owner: sales
    support: [lead]
    informed: [assistant]
    channel: meeting
    phase: affirm
    feel: 4
    emotion: known
    description: Everything sales learned goes to the lead, so the client never repeats themselves.
  - id: hello-video
    title: Hello from your lead
    day: 3
    owner: lead
    channel: video
    phase: affirm
    feel: 5
    emotion: reassured
    description: A short video recorded for this client alone.
  - id: team-page
    title: Meet the people who look after you
    day: 4
    owner: lead
    support: [assistant]
    channel: email
    phase: affirm
    feel: 4
    emotion: welcomed
    client_visible: true
    description: A link to their page with the team's photos and a few fun facts.
  - id: welcome-box
    title: A welcome box
    day: 5
    owner: assistant
    support: [lead]
    channel: gift
    phase: affirm
    feel: 5
    emotion: delighted
    surprise: true
    uses: [favorite_treat]
    description: Their favourite treat and a card from the lead. No logos.
  - id: kickoff
    title: Kickoff
    day: 7
    owner: lead
    support: [assistant]
    channel: in-person
    phase: activate
    feel: 4
    emotion: energised
    client_visible: true
    uses: [favorite_drink]
    description: Agree on goals and the calendar; their favourite drink is ready when they arrive.
  - id: tools-ready
    title: Everything is set up
    day: 9
    owner: assistant
    channel: email
    phase: activate
    feel: 4
    emotion: relieved
    client_visible: true
    description: Logins, folders and invitations in one short email, with nothing left to chase.
  - id: weekly-call
    title: Weekly call
    day: 14
    repeat: {every: 7, times: 3}
    owner: lead
    channel: call
    phase: acclimate
    feel: 4
    emotion: supported
    client_visible: true
    description: Fifteen minutes on what went well, what was unclear and what comes next.
  - id: first-month-review
    title: First month review
    day: 30
    owner: lead
    support: [assistant]
    channel: meeting
    phase: acclimate
    feel: 4
    emotion: confident
    client_visible: true
    description: Compare the month with the kickoff goals and plan the next one.
  - id: better-ask
    title: What could we do better?
    day: 35
    repeat: {every: 30, times: 3}
    owner: lead
    informed: [founder]
    channel: email
    phase: acclimate
    feel: 4
    emotion: valued
    description: One honest question, and a reply within a day saying what will change.
  - id: thoughtful-gift
    title: Something for what they care about
    day: 45
    owner: lead
    support: [assistant]
    channel: mail
    phase: acclimate
    feel: 5
    emotion: seen
    surprise: true
    description: A small gift tied to what they told us they care about outside work.
  - id: progress-check
    title: Progress check
    day: 58
    owner: lead
    channel: meeting
    phase: acclimate
    feel: 4
    emotion: hopeful
    client_visible: true
    description: The first numbers that move, and an honest word about what lags.
  - id: milestone-note
    title: A note on a milestone
    day: 75
    owner: assistant
    channel: sms
    phase: accomplish
    feel: 4
    emotion: noticed
    description: A quick message when something they worked for comes true.
  - id: results-review
    title: Results review
    day: 90
    owner: lead
    support: [assistant]
    informed: [founder]
    channel: meeting
    phase: accomplish
    feel: 4
    emotion: proud
    client_visible: true
    description: Where they started, where they are, on one page they can share.
  - id: hundred-day-lunch
    title: Lunch for our first 100 days
    day: 100
    owner: founder
    support: [lead]
    channel: in-person
    phase: accomplish
    feel: 5
    emotion: celebrated
    client_visible: true
    uses: [favorite_restaurant]
    description: Lunch at their favourite place, with no agenda but thanks.
  - id: story-draft
    title: Their story, drafted for them
    day: 130
    owner: lead
    support: [assistant]
    channel: email
    phase: adopt
    feel: 4
    emotion: proud
    description: A short testimonial drafted from their own words, to approve, change or refuse.
  - id: peer-roundtable
    title: Client roundtable
    day: 150
    owner: founder
    channel: event
    phase: adopt
    feel: 4
    emotion: connected
    client_visible: true
    description: An evening where clients in the same trade swap what works.
  - id: half-year-review
    title: Half-year review
    day: 182
    owner: lead
    support: [founder]
    channel: meeting
    phase: adopt
    feel: 4
    emotion: invested
    client_visible: true
    description: Look at the goals again, celebrate what changed, set the rest of the year.
  - id: give-an-intro
    title: An introduction for them
    day: 220
    owner: sales
    support: [lead]
    channel: email
    phase: advocate
    feel: 5
    emotion: grateful
    description: Before asking for a referral, give one.
  - id: referral-question
    title: Who else could we help?
    day: 250
    owner: lead
    informed: [sales]
    channel: call
    phase: advocate
    feel: 4
    emotion: trusted
    description: Ask once, lightly, and thank every introduction.
  - id: client-evening
    title: Client evening
    day: 300
    owner: founder
    support: [assistant]
    channel: event
    phase: advocate
    feel: 5
    emotion: belonging
    client_visible: true
    description: Our yearly evening for clients, with a guest of their choice.
  - id: year-review
    title: Year review
    day: 335
    owner: lead
    support: [assistant]
    informed: [founder, sales]
    channel: meeting
    phase: adopt
    feel: 4
    emotion: assured
    client_visible: true
    description: The whole year at a glance and a plan for the next one.
  - id: birthday-card
    title: Birthday card
    on: birthday
    stage: year-round
    owner: assistant
    support: [lead]
    channel: mail
    phase: advocate
    feel: 5
    emotion: remembered
    surprise: true
    description: A card that arrives on the day, signed by their whole team.
  - id: opening-day
    title: Their business's birthday
    on: anniversary
    stage: year-round
    owner: assistant
    informed: [lead]
    channel: gift
    phase: advocate
    feel: 5
    emotion: honoured
    surprise: true
    uses: [favorite_wine]
    description: A bottle of their favourite wine and a note counting the years.
  - id: signing-anniversary
    title: Another year together
    day: 365
    repeat: yearly
    owner: lead
    support: [founder]
    channel: mail
    phase: advocate
    feel: 5
    emotion: grateful
    description: A letter recalling a few moments of the year, with a line from the founder.
"""


@dataclass(frozen=True)
class Planned:
    """A touchpoint's timing, enough to write a done log that fits a client's age."""

    id: str
    day: int | None = None
    on: str | None = None
    every: int = 0
    times: int = 1
    yearly: bool = False


# Must agree with JOURNEY_YML (`journeymap check` refuses a done id the journey lacks).
PLAN = (
    Planned("intro-reply", -38), Planned("discovery-call", -32), Planned("call-notes", -31),
    Planned("nudge", -28, every=6, times=3), Planned("site-visit", -12),
    Planned("proposal-review", -6), Planned("signing-day", 1), Planned("founder-thanks", 1),
    Planned("handover", 2), Planned("hello-video", 3), Planned("team-page", 4),
    Planned("welcome-box", 5), Planned("kickoff", 7), Planned("tools-ready", 9),
    Planned("weekly-call", 14, every=7, times=3), Planned("first-month-review", 30),
    Planned("better-ask", 35, every=30, times=3), Planned("thoughtful-gift", 45),
    Planned("progress-check", 58), Planned("milestone-note", 75), Planned("results-review", 90),
    Planned("hundred-day-lunch", 100), Planned("story-draft", 130),
    Planned("peer-roundtable", 150), Planned("half-year-review", 182),
    Planned("give-an-intro", 220), Planned("referral-question", 250),
    Planned("client-evening", 300), Planned("year-review", 335),
    Planned("birthday-card", on="birthday"), Planned("opening-day", on="anniversary"),
    Planned("signing-anniversary", 365, yearly=True),
)  # fmt: skip

FIRST = (
    "Ada", "Bea", "Carlos", "Dana", "Eli", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kemal",
    "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar",
    "Vera", "Wen", "Ximena", "Yusuf", "Zoe", "Ayla", "Bram", "Chloe", "Dev", "Esme", "Farid",
    "Gus", "Hana", "Ivo", "Jade", "Kofi", "Lior", "Mira", "Nils",
)  # fmt: skip
LAST = (
    "Abara", "Berg", "Castro", "Dimitriou", "Eriksen", "Fontaine", "Garcia", "Haddad", "Ito",
    "Jansen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quaye",
    "Rossi", "Silva", "Tanaka", "Umarov", "Varga", "Weber", "Xu", "Yilmaz", "Zielinski",
    "Achebe", "Brennan", "Chen", "Duarte",
)  # fmt: skip
TITLES = {
    "founder": ("Partner",),
    "sales": ("New Business Lead", "Partnerships Manager"),
    "lead": ("Client Lead", "Senior Client Lead", "Account Director"),
    "assistant": ("Client Coordinator", "Client Assistant"),
}
PRONOUNS = ("she/her", "he/him", "they/them")
FUN_FACTS = (
    "Swims in the sea all year round", "Has read every book by Ursula Le Guin",
    "Keeps bees on the office roof", "Once ran a marathon dressed as a teapot",
    "Speaks four languages, badly in two of them", "Grows chillies that nobody can eat",
    "Plays bass in a wedding band", "Has visited every lighthouse on the coast",
    "Bakes a cake for every colleague's birthday", "Restores old bicycles",
    "Knows the rules of cricket and will explain them", "Collects postcards from 1950s diners",
)  # fmt: skip
BIO_OPENINGS = (
    "{first} has looked after small businesses for {years} years.",
    "Before joining us, {first} ran a shop of their own for {years} years.",
    "{first} joined us {years} years ago and has not stopped asking good questions since.",
)
BIO_MIDDLES = (
    "Clients say they always know where things stand.",
    "They believe the best meeting is a short one with a clear next step.",
    "They write every thank-you note by hand.",
    "They like nothing better than a messy spreadsheet that needs taming.",
)
BIO_ENDINGS = (
    "Ask about the weekend hikes.",
    "Outside work: a garden, two cats and too many cookbooks.",
    "Coffee, always black, always too much.",
    "",
)
PLACES = (
    "Harbor", "Maple", "Copper", "Juniper", "Northgate", "Willow", "Lantern", "Bluebird",
    "Granite", "Saffron", "Orchard", "Riverside", "Cedar", "Meadow", "Ironwood", "Pebble",
    "Summit", "Tidal", "Amber", "Foxglove", "Hollow Oak", "Kingfisher", "Marigold", "Red Door",
    "Old Mill", "Seaglass", "Thistle", "Brightwater", "Larkspur", "Canal Street", "Hillside",
    "Wren", "Beacon", "Silverbirch", "Quarry", "Fernhill", "Millstone", "Sunday", "Goldcrest",
    "Elmwood",
)  # fmt: skip
KINDS = (
    "Bakery", "Dental", "Yoga Studio", "Bike Shop", "Bookshop", "Florist", "Vets",
    "Architects", "Coffee Roasters", "Print Studio", "Physiotherapy", "Hardware",
    "Brewing Co", "Tailors", "Law Office", "Design Studio", "Pottery", "Music School",
    "Garden Centre", "Climbing Gym", "Opticians", "Deli", "Framers", "Dance School", "Cycle Repair",
)  # fmt: skip
TREATS = (
    "Pistachio macarons", "Dark chocolate with sea salt", "Lemon drizzle cake",
    "Cinnamon buns from the corner bakery", "Salted caramel fudge", "Fresh figs and honey",
    "Almond biscotti", "Spiced ginger cookies", "Blood orange marmalade",
)  # fmt: skip
DRINKS = (
    "Flat white", "Oat milk cortado", "Earl Grey, no milk", "Sparkling water with lime",
    "Mint tea", "Double espresso", "Chai latte", "Hot chocolate with cream",
)  # fmt: skip
RESTAURANTS = (
    "Osteria on Dock Road", "The Green Table", "Sakura Ramen", "Casa Lola", "The Fig Tree",
    "Blue Door Bistro", "Noodle House on Market Street", "The Old Station Grill",
)  # fmt: skip
WINES = (
    "A dry Riesling", "Rioja Reserva", "Sancerre", "Any good Malbec", "Prosecco",
    "A light Pinot Noir", "Albarino", "No alcohol: elderflower cordial instead",
)  # fmt: skip
CARES = (
    "The youth football team they coach on Saturdays", "Rescue greyhounds",
    "The community garden on their street", "Their daughter's swim club",
    "Sea swimming and keeping the beach clean", "The local food bank",
    "Restoring an old sailing boat", "Choir practice every Thursday",
)  # fmt: skip
GOALS = (
    "Open a second location within two years", "Take one full day off every week",
    "Know the margin on every product", "Hire and keep two more people",
    "Double online sales by next winter", "Cut the time spent on admin by half",
    "Sell wholesale to three local shops", "Pay off the equipment loan early",
)  # fmt: skip
HANDOFF_LINES = (
    "Found us through **{referrer}**; thank them when you can.",
    "Their last supplier disappeared after a month: the first weeks matter more than usual.",
    "Prefers a text to an email, and no calls before 11am.",
    "{contact} decides, but their business partner reads everything: copy them in.",
    "We promised a simple weekly summary by the end of the first month.",
    "Worried about how long onboarding will take; keep the kickoff short and concrete.",
    "Very busy in December: plan nothing big for that month.",
    "Asked twice about pricing for next year; be ready with an answer at the six-month review.",
)  # fmt: skip
WELCOMES = (
    "{first}, welcome! {lead} is your lead, and this page shows who is on your team and what "
    "happens next.",
    "We are so glad you are here, {first}. If anything is unclear, ask {lead}: no question is "
    "too small.",
    "{first}, thank you for choosing us. This is your page: your team, and the next steps we "
    "have planned together.",
)  # fmt: skip
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'&()/!?-]*")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def scalar(text: str) -> str:
    """A YAML scalar: plain when that reads back as the same string, else double-quoted."""
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED and not text.endswith(" "):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrap(text: str, width: int = 90) -> str:
    """Markdown wrapped as a person would write it; list items keep their indent."""
    lines = []
    for line in text.split("\n"):
        bullet = "  " if line.startswith("- ") else ""
        lines.append(textwrap.fill(line, width, subsequent_indent=bullet) if line else "")
    return "\n".join(lines)


def block(text: str, indent: int = 2) -> str:
    """A literal block scalar (`|`) holding Markdown."""
    pad = " " * indent
    return "|\n" + "".join(f"{pad}{line}\n" if line else "\n"
                           for line in wrap(text).split("\n"))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---- photos ----------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, pixels: list[bytes]) -> bytes:
    """An 8-bit RGB PNG from rows of packed RGB bytes."""
    raw = b"".join(b"\x00" + row for row in pixels)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = ((v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q))[i]
    return int(r * 255), int(g * 255), int(b * 255)


def portrait(rng: random.Random, size: int = 96) -> bytes:
    """A small drawn head-and-shoulders picture, as a stand-in for a photo."""
    background = _hsv(rng.random(), 0.35, 0.92)
    shirt = _hsv(rng.random(), 0.6, 0.55)
    skin = rng.choice([(241, 204, 176), (224, 172, 135), (189, 132, 96), (141, 93, 62),
                       (96, 62, 40)])
    hair = rng.choice([(40, 30, 25), (90, 60, 35), (200, 160, 90), (120, 40, 20), (150, 150, 150)])
    c = size / 2
    head_y, head_r = size * 0.4, size * 0.19
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            dx, dy = x - c, y - head_y
            color = background
            if (dx / (size * 0.36)) ** 2 + ((y - size * 1.02) / (size * 0.33)) ** 2 <= 1:
                color = shirt
            if dx * dx + dy * dy <= head_r * head_r:
                color = hair if dy < -head_r * 0.45 else skin
            # A little grain, so that the file is photo-sized rather than a few hundred bytes.
            grain = rng.randint(-8, 8)
            row += bytes(min(255, max(0, channel + grain)) for channel in color)
        rows.append(bytes(row))
    return png(size, size, rows)


# ---- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenPerson:
    id: str
    name: str
    role: str


def _names(rng: random.Random, count: int) -> Iterator[str]:
    """`count` distinct full names in a shuffled order; a number once the pairs run out."""
    pairs = [f"{f} {last}" for f in FIRST for last in LAST]
    rng.shuffle(pairs)
    for i in range(count):
        name = pairs[i % len(pairs)]
        yield name if i < len(pairs) else f"{name} {i // len(pairs) + 1}"


def person_md(rng: random.Random, person: GenPerson, index: int) -> str:
    first = person.name.split()[0]
    facts = rng.sample(FUN_FACTS, rng.randint(1, 2))
    years = rng.randint(2, 19)
    bio = " ".join(x for x in (rng.choice(BIO_OPENINGS).format(first=first, years=years),
                               rng.choice(BIO_MIDDLES), rng.choice(BIO_ENDINGS)) if x)
    lines = [
        "---",
        f"name: {scalar(person.name)}",
        f"title: {scalar('Founder' if index == 0 else rng.choice(TITLES[person.role]))}",
        f"pronouns: {rng.choice(PRONOUNS)}",
        f"photo: {person.id}.png",
        f"email: {person.id}@example.com",
    ]
    if rng.random() < 0.6:
        lines.append(f"video: https://example.com/videos/{person.id}-hello.mp4")
    lines += ["fun_facts:", *(f"  - {scalar(f)}" for f in facts)]
    lines.append(f'phone: "+1 555 {rng.randint(100, 9999):04d}"')
    if rng.random() < 0.4:
        lines.append(f"notes: {scalar(rng.choice(('Part time, Mondays to Thursdays', 'Back from leave in the spring', 'Covers for the other leads in August')))}")  # noqa: E501
    return "\n".join([*lines, "---", wrap(bio), ""])


def _add_years(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def occurrences(plan: Planned, day_one: dt.date, dates: dict[str, tuple[int | None, int, int]],
                as_of: dt.date) -> list[dt.date]:
    """The dates a touchpoint fell on for a client, up to `as_of`."""
    if plan.on is not None:
        if plan.on not in dates:
            return []
        _, month, day = dates[plan.on]
        return [d for year in range(day_one.year, as_of.year + 1)
                if day_one <= (d := dt.date(year, month, day)) <= as_of]
    assert plan.day is not None
    first = day_one + dt.timedelta(days=plan.day - 1)
    if plan.yearly:
        found, year = [], 0
        while (d := _add_years(first, year)) <= as_of:
            found.append(d)
            year += 1
        return found
    every = [first + dt.timedelta(days=plan.every * k) for k in range(plan.times)]
    return [d for d in every if d <= as_of]


SKIP_REASONS = (
    "They asked to leave it this time.", "Moved to next month's call at their request.",
    "Already covered in the kickoff.", "They signed before it was due.",
)


def done_log(rng: random.Random, day_one: dt.date,
             dates: dict[str, tuple[int | None, int, int]], as_of: dt.date) -> list[str]:
    """`done:` lines: most past occurrences, a few missed (never logged: past the grace
    window they show as missed) or skipped with a reason, recent ones less often logged."""
    lines = []
    for plan in PLAN:
        logged: list[str] = []
        for when in occurrences(plan, day_one, dates, as_of):
            chance = 0.93 if (as_of - when).days > 7 else 0.55
            if rng.random() >= chance:
                if plan.every and rng.random() < 0.5:  # a cadence's entries go in order
                    logged.append(f"{{skipped: {when.isoformat()}, "
                                  f"reason: {rng.choice(SKIP_REASONS)}}}")
                    continue
                if plan.every:
                    break  # a cadence logs its occurrences in order: stop at the first missed
                continue
            late = dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 5)))
            logged.append(min(as_of, when + late).isoformat())
        if len(logged) == 1:
            lines.append(f"  {plan.id}: {logged[0]}")
        elif logged:
            lines.append(f"  {plan.id}: [{', '.join(logged)}]")
    return lines


SAYINGS = (
    "Quick and clear, thank you.", "Would have liked a heads-up the day before.",
    "Felt like you really listened.", "A bit rushed this time.", "Exactly what we needed.",
    "Still not sure what the next step is.", "The team was lovely.",
)
LEAVE_REASONS = (
    "Moved the work in-house.", "Found a cheaper option.", "Closed the business.",
    "Said we were hard to reach after the first month.",
)


@dataclass
class Answer:
    """One feedback answer: written under `feedback:`, or as a survey CSV row."""

    date: dt.date
    feel: int
    touchpoint: str | None
    said: str | None
    heard_by: str

    def lines(self) -> list[str]:
        return [f"  - date: {self.date.isoformat()}",
                *([f"    touchpoint: {self.touchpoint}"] if self.touchpoint else []),
                f"    feel: {self.feel}",
                *([f"    said: {scalar(self.said)}"] if self.said else []),
                f"    heard_by: {self.heard_by}"]


def feedback_log(rng: random.Random, day_one: dt.date, until: dt.date,
                 heard_by: list[str]) -> list[Answer]:
    """Feedback answers, about one a month since signing: most about a touchpoint of that
    month (the 30-day review felt a little below its plan), some in general."""
    found: list[Answer] = []
    month = day_one + dt.timedelta(days=rng.randint(3, 30))
    while month <= until:
        day = (month - day_one).days + 1
        near = [p for p in PLAN if p.day is not None and 1 <= p.day <= day and day - p.day < 30]
        feel = rng.choice((3, 4, 4, 4, 5, 5))
        touchpoint = None
        if near and rng.random() < 0.8:
            plan = rng.choice(near)
            if plan.id == "first-month-review":
                feel = rng.choice((2, 3, 3, 4))
            touchpoint = plan.id
        said = rng.choice(SAYINGS) if rng.random() < 0.5 else None
        found.append(Answer(month, feel, touchpoint, said, rng.choice(heard_by)))
        month += dt.timedelta(days=rng.randint(24, 36))
    return found


@dataclass
class GenClient:
    """A generated client: its file's text, and the same client as a CSV row (who they
    are; a row holds no logs) with its answers as survey rows."""

    text: str
    row: dict[str, str]
    answers: list[Answer]


def client_yml(rng: random.Random, name: str, people: dict[str, list[GenPerson]],
               as_of: dt.date) -> GenClient:
    contact = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    first = contact.split()[0]
    day_one = as_of + dt.timedelta(days=rng.randint(-400, 10))
    team = {role: rng.choice(people[role]) for role in ROLES}
    dates: dict[str, tuple[int | None, int, int]] = {
        "birthday": (rng.choice((None, None, rng.randint(1950, 1995))), rng.randint(1, 12),
                     rng.randint(1, 28)),
    }
    if rng.random() < 0.85:  # some clients never told us: their card shows "no date yet"
        dates["anniversary"] = (rng.randint(1985, 2024), rng.randint(1, 12), rng.randint(1, 28))
    prefs = {"favorite_treat": TREATS, "favorite_drink": DRINKS,
             "favorite_restaurant": RESTAURANTS, "favorite_wine": WINES}
    welcome = rng.choice(WELCOMES).format(first=first, lead=team["lead"].name.split()[0])
    handoff = [f"- {line.format(referrer=rng.choice(PLACES) + ' ' + rng.choice(KINDS), contact=first)}"  # noqa: E501
               for line in rng.sample(HANDOFF_LINES, rng.randint(2, 4))]
    row = {"name": name, "contact": contact, "journey": JOURNEY_ID,
           "day_one": day_one.isoformat(),
           **{f"team.{role}": person.id for role, person in team.items()},
           "welcome": wrap(welcome) + "\n",  # as the `|` block below holds it
           "dates.birthday": "", "dates.anniversary": ""}
    lines = [
        f"name: {scalar(name)}",
        f"contact: {scalar(contact)}",
        f"journey: {JOURNEY_ID}",
        f"day_one: {day_one.isoformat()}",
        "team:",
        *(f"  {role}: {person.id}" for role, person in team.items()),
        f"welcome: {block(welcome)}".rstrip("\n"),
        "# ---- everything below is internal ----",
        "dates:",
    ]
    for key, (year, month, day) in dates.items():
        written = f"{year:04d}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"
        lines.append(f"  {key}: {written}")
        row[f"dates.{key}"] = written
    lines.append("preferences:")
    for key, choices in prefs.items():  # all of them: a missing one is a lint warning
        row[f"preferences.{key}"] = rng.choice(choices)
        lines.append(f"  {key}: {scalar(row[f'preferences.{key}'])}")
    lines += _household(name, contact, row)
    row["cares_about"] = rng.choice(CARES)
    lines.append(f"cares_about: {scalar(row['cares_about'])}")
    goals = rng.sample(GOALS, rng.randint(1, 3))
    row["goals"] = "\n".join(goals)  # a list: one item a line of the cell
    lines += ["goals:", *(f"  - {scalar(g)}" for g in goals)]
    row["handoff"] = wrap("\n".join(handoff)) + "\n"
    lines.append(f"handoff: {block(chr(10).join(handoff))}".rstrip("\n"))
    # About one client in eight who signed a month ago or more has left since.
    age = (as_of - day_one).days
    left = day_one + dt.timedelta(days=rng.randint(20, age)) \
        if age >= 30 and rng.random() < 0.125 else None
    until = left or as_of
    done = done_log(rng, day_one, dates, until)
    if done:
        lines += ["done:", *done]
    answers = feedback_log(rng, day_one, until, [team["lead"].id, team["assistant"].id])
    if answers:
        lines += ["feedback:", *(line for answer in answers for line in answer.lines())]
    if left is not None:
        lines += ["left:", f"  date: {left.isoformat()}",
                  f"  reason: {scalar(rng.choice(LEAVE_REASONS))}"]
    return GenClient("\n".join(lines) + "\n", row, answers)


def _household(name: str, contact: str, row: dict[str, str]) -> list[str]:
    """About one client in five is a couple: the contact's partner is a person of the
    household (`people:`), with a birthday card of their own beside the contact's (the
    client's `dates.birthday`). A random of its own, seeded by the name, so that every
    other generated byte stays as it was."""
    house = random.Random(f"household {name}")
    row |= {"people.1.name": "", "people.1.dates.birthday": ""}
    if house.random() >= 0.2:
        return []
    partner = f"{house.choice(FIRST)} {contact.split()[-1]}"
    birthday = f"{house.randint(1, 12):02d}-{house.randint(1, 28):02d}"
    row |= {"people.1.name": partner, "people.1.dates.birthday": birthday}
    return ["people:", f"  - name: {scalar(partner)}", "    dates:", f"      birthday: {birthday}"]


def _business_names(rng: random.Random, count: int) -> list[str]:
    combos = [f"{place} {kind}" for place in PLACES for kind in KINDS]
    rng.shuffle(combos)
    return [combos[i % len(combos)] + (f" {i // len(combos) + 1}" if i >= len(combos) else "")
            for i in range(count)]


def generate(out: Path, clients: int, people: int, seed: int, as_of: dt.date,
             as_csv: bool = False) -> None:
    """Write mkdocs.yml, docs/ and journeys/ into `out` (created; must be empty if it exists).

    With `as_csv`, the clients are rows of journeys/clients/clients.csv and their feedback
    rows of journeys/surveys/answers.csv; a row holds no logs, so done and left are not
    written (their pages show more overdue; the sizes are what is compared).
    """
    if clients < 0 or people < 1:
        raise ValueError("need at least one person and no negative client count")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    rng = random.Random(seed)
    source = out / "journeys"
    for folder in (out / "docs", source / "team", source / "clients"):
        folder.mkdir(parents=True, exist_ok=True)
    agency = f"{rng.choice(PLACES)} Partners"
    (out / "mkdocs.yml").write_bytes(MKDOCS_YML.format(agency=agency).encode())
    (out / "docs" / "playbook.md").write_bytes(PLAYBOOK_MD.encode())
    (source / f"{JOURNEY_ID}.yml").write_bytes(JOURNEY_YML.encode())

    # The founder, and a partner for every ten people, fill the founder role; the others
    # share the remaining roles, leads most often.
    cycle = ("lead", "sales", "assistant", "lead")
    team = [GenPerson(slug(name), name, "founder" if i % 10 == 0 else cycle[i % 10 % 4])
            for i, name in enumerate(_names(rng, people))]
    by_role = {role: [p for p in team if p.role == role] or team for role in ROLES}
    for index, person in enumerate(team):
        (source / "team" / f"{person.id}.md").write_bytes(person_md(rng, person, index).encode())
        (source / "team" / f"{person.id}.png").write_bytes(portrait(rng))

    seen: set[str] = set()
    rows: list[dict[str, str]] = []
    answers: list[list[str]] = []
    for name in _business_names(rng, clients):
        ident = slug(name)
        seen.add(ident)
        made = client_yml(rng, name, by_role, as_of)
        if as_csv:
            rows.append({"id": ident, **made.row})
            answers += [[a.date.isoformat(), ident, a.touchpoint or "", str(a.feel), a.said or ""]
                        for a in made.answers]
        else:
            (source / "clients" / f"{ident}.yml").write_bytes(made.text.encode())
    assert len(seen) == clients, "client ids must be unique"
    if as_csv:
        _write_csv(source / "clients" / "clients.csv", [list(rows[0]) if rows else ["id"],
                                                        *(list(r.values()) for r in rows)])
        (source / "surveys").mkdir()
        _write_csv(source / "surveys" / "answers.csv",
                   [["date", "client", "touchpoint", "score:1-5", "comment"], *answers])


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, required=True, metavar="N")
    parser.add_argument("--people", type=int, required=True, metavar="M")
    parser.add_argument("--seed", type=int, default=1, metavar="S")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF, metavar="DATE",
                        help=f"the build date the clients are written around ({AS_OF})")
    parser.add_argument("--csv", action="store_true",
                        help="write the clients as one CSV file, and their feedback as survey "
                             "answers, instead of a YAML file each")
    args = parser.parse_args(argv)
    try:
        generate(args.out, args.clients, args.people, args.seed, args.as_of, args.csv)
    except (ValueError, FileExistsError) as error:
        print(f"generate.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
