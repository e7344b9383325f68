"""`journeymap diff`: the review of a change between git revisions, in real repositories."""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import AS_OF, copy_workspace

from journeymap import (
    JourneymapError,
    Problem,
    Workspace,
    compare,
    load_revision,
    load_workspace,
    review_markdown,
)
from journeymap.review.compare import NO_CHANGES
from journeymap.review.diff import diff_command

DAY = dt.date.fromisoformat(AS_OF)
JOURNEY = "journeys/client-love.yml"


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=repo,
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


def edit(file: Path, *changes: tuple[str, str]) -> None:
    text = file.read_text()
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    file.write_text(text)


def cut(file: Path, start: str, end: str) -> None:
    """Remove the text from `start` up to (not including) `end`."""
    text = file.read_text()
    at = text.index(start)
    file.write_text(text[:at] + text[text.index(end, at):])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository on `main` whose first commit holds the example workspace."""
    root = tmp_path / "repo"
    copy_workspace(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "The example workspace")
    return root


def change_the_journey(ws: Path) -> None:
    """Move a touchpoint to another day and stage, give another an owner, drop the last
    touchpoint of a stage (and its done date) and lower a feel."""
    journey = ws / JOURNEY
    edit(journey,
         ("    day: 120\n    owner: lead\n    support: [assistant]\n    channel: email\n"
          "    phase: adopt\n",
          "    day: 95\n    owner: lead\n    support: [assistant]\n    channel: email\n"
          "    phase: accomplish\n"),
         ("    day: 7\n    owner: lead\n", "    day: 7\n    owner: assistant\n"),
         ("    feel: 5\n    emotion: delighted\n", "    feel: 3\n    emotion: delighted\n"))
    cut(journey, "  - id: six-month-review\n", "  # -------")
    edit(ws / "journeys/clients/fern-and-fold.yml", ("  six-month-review: 2026-03-16\n", ""))


EXPECTED = """\
### Journey review: `HEAD~1` → `HEAD`

**1 touchpoint removed, 1 touchpoint moved, 1 owner changed, 1 feel lowered, \
1 other touchpoint change, 1 stage left with no touchpoint, 1 client changed, \
6 clients' schedules change.**

#### Client Love Journey `client-love`

**Stages**

- **Six months** `six-months`: has no touchpoint left

| Touchpoint | What changed |
| --- | --- |
| **A little welcome gift** `welcome-gift` | feel: 5 → 3 |
| **Kickoff meeting** `kickoff` | owner: Client lead → Client assistant |
| **Testimonial, made easy** `testimonial` | moved: day 120 in Six months → day 95 in Days 61-100; \
phase: adopt → accomplish |
| **Six-month review** `six-month-review` | removed (was day 180 in Six months) |

**Emotion curve** (one mark per touchpoint with a feel, in day order; │ between stages; ▁ 1 … █ 5)

```text
before ▄▆▆▄▆│██▆█▆█▆│▆▆▆│▆█▆│▆▆█│▆▆│███▆█▆█  average 4.30
after  ▄▆▆▄▆│██▆█▆▄▆│▆▆▆│▆█▆│▆▆▆█││███▆█▆█   average 4.24
```

**What this means for clients** (as of 2026-11-24)

| Touchpoint | Change | Schedules that change | Nearest affected date |
| --- | --- | --- | --- |
| **Testimonial, made easy** `testimonial` | moved | 5 of 7 clients | \
2026-11-27 (Spoke & Sprocket Cycles) |
| **Six-month review** `six-month-review` | removed | 6 of 7 clients | \
2026-11-28 (Tidewater Yoga) |

#### Clients

- **Fern & Fold Design Studio** `fern-and-fold`: internal `done` changed
"""


def test_a_commit_is_reviewed_for_clients_and_team(repo: Path) -> None:
    change_the_journey(repo)
    git(repo, "commit", "-qam", "Rework six months")
    assert diff_command(repo, "journeys", "HEAD~1", "HEAD", DAY) == EXPECTED


def test_schedule_impact_matches_the_schedules(repo: Path) -> None:
    """The counts in EXPECTED, worked out from each side's full schedules instead."""
    from journeymap.derive.schedule import client_schedule

    before = load_workspace(repo, "journeys").workspace
    change_the_journey(repo)
    after = load_workspace(repo, "journeys").workspace

    def pending(ws: Workspace, tp: str) -> dict[str, set[dt.date]]:
        # What is still owed: not done, skipped or missed, to clients who have not left.
        return {c.id: {o.date for o in client_schedule(ws, c, DAY)
                       if o.touchpoint.id == tp and o.date
                       and o.status not in ("done", "skipped", "missed")}
                for c in ws.clients.values() if not c.has_left(DAY)}

    changed: set[str] = set()
    # (the two clients of the CSV, who sign in January, owe both)
    for tp, count in (("testimonial", 5), ("six-month-review", 6)):
        old, new = pending(before, tp), pending(after, tp)
        changed |= {c for c in old if old[c] != new[c]}
        assert sum(old[c] != new[c] for c in old) == count
    assert len(changed) == 6


def test_default_base_is_the_merge_base_with_main(repo: Path) -> None:
    git(repo, "checkout", "-qb", "feature")
    edit(repo / JOURNEY, ("    day: 7\n    owner: lead\n", "    day: 7\n    owner: founder\n"))
    git(repo, "commit", "-qam", "The founder runs the kickoff")
    # main moves on after the branch point: its change is not part of this branch's review.
    git(repo, "checkout", "-q", "main")
    edit(repo / JOURNEY, ("title: Client Love Journey\n", "title: The Client Love Journey\n"))
    git(repo, "commit", "-qam", "Retitle")
    git(repo, "checkout", "-q", "feature")
    short = git(repo, "rev-parse", "--short", "main~1")

    out = diff_command(repo, "journeys", None, None, DAY)
    assert out.startswith(f"### Journey review: `{short}` (merge base with `main`) → the "
                          "working tree\n\n**1 owner changed.**\n")
    assert "owner: Client lead → Founder" in out
    assert "Retitle" not in out and "The Client Love Journey" not in out
    assert diff_command(repo, "journeys", None, "HEAD", DAY).replace("`HEAD`", "the working "
                                                                     "tree") == out


def test_without_main_the_base_must_be_given(repo: Path) -> None:
    git(repo, "branch", "-m", "main", "trunk")
    with pytest.raises(JourneymapError, match="no main branch .*give BASE"):
        diff_command(repo, "journeys", None, None, DAY)
    git(repo, "branch", "master")
    assert "merge base with `master`" in diff_command(repo, "journeys", None, None, DAY)


def test_head_defaults_to_the_working_tree_with_its_edits(repo: Path) -> None:
    edit(repo / JOURNEY, ("    channel: gift\n    phase: affirm\n",
                          "    channel: mail\n    phase: affirm\n"),
         ("    client_visible: true\n    description: |\n      Logins",
          "    description: |\n      Logins"))
    out = diff_command(repo, "journeys", "HEAD", None, DAY)
    assert out == (
        "### Journey review: `HEAD` → the working tree\n\n"
        "**2 other touchpoint changes.**\n\n"
        "#### Client Love Journey `client-love`\n\n"
        "| Touchpoint | What changed |\n| --- | --- |\n"
        "| **A little welcome gift** `welcome-gift` | channel: gift → mail |\n"
        "| **Everything set up** `setup-done` | no longer shown to clients |\n"
    )


def test_a_workspace_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    top = tmp_path / "top"
    ws = copy_workspace(top / "handbook")
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "-A")
    git(top, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "one")
    edit(ws / JOURNEY, ("  lead: Client lead ", "  lead: Account lead "))
    # The touchpoints the lead owns keep their owner: only the role's label changed.
    assert diff_command(ws, "journeys", "HEAD", None, DAY) == (
        "### Journey review: `HEAD` → the working tree\n\n**1 role relabelled.**\n\n"
        "#### Client Love Journey `client-love`\n\n"
        "- role `lead`: label: Client lead → Account lead\n"
    )


def test_no_change(repo: Path) -> None:
    (repo / "notes.txt").write_text("not part of the journey\n")
    assert diff_command(repo, "journeys", "HEAD", None, DAY) == (
        f"### Journey review: `HEAD` → the working tree\n\n{NO_CHANGES}\n")
    assert diff_command(repo, "journeys", "HEAD", "main", DAY).endswith(f"\n\n{NO_CHANGES}\n")


def test_a_client_added(repo: Path) -> None:
    clients = repo / "journeys/clients"
    shutil.copy(clients / "harbor-street-bakery.yml", clients / "lantern-books.yml")
    edit(clients / "lantern-books.yml", ("name: Harbor Street Bakery", "name: Lantern Books"),
         ("day_one: 2026-11-20", "day_one: 2026-11-26"))
    out = diff_command(repo, "journeys", "HEAD", None, DAY)
    assert out.startswith("### Journey review: `HEAD` → the working tree\n\n"
                          "**1 client added.**\n\n#### Clients\n\n"
                          "- **Lantern Books** `lantern-books`: added: journey `client-love`, "
                          "day one 2026-11-26\n")
    assert "Pistachio" not in out and "Marisol" not in out


def test_client_changes_name_fields_not_values(repo: Path) -> None:
    edit(repo / "journeys/clients/harbor-street-bakery.yml",
         ("day_one: 2026-11-20", "day_one: 2026-11-23"),
         ("  lead: jonah-lindqvist\n", "  lead: alex-rivera\n"),
         ("  favorite_drink: Cortado with oat milk\n", "  favorite_drink: Iced tea\n"),
         ("  - Know the real margin on every product\n", ""))
    out = diff_command(repo, "journeys", "HEAD", None, DAY)
    assert ("- **Harbor Street Bakery** `harbor-street-bakery`: day one: 2026-11-20 → "
            "2026-11-23 (every date moves 3 days later); Client lead: Jonah Lindqvist → "
            "Alex Rivera; internal `preferences`, `goals` changed\n") in out
    assert "Iced tea" not in out and "Cortado" not in out and "margin" not in out


def test_a_stages_promise_changed_is_said_and_a_must_know_only_named(repo: Path) -> None:
    # The promise is written for clients (their pages show it): the review quotes it. The
    # must-know note is internal: named, never quoted.
    edit(repo / JOURNEY, ("      You start to see progress in numbers,",
                          "      You see your first numbers move,"))
    edit(repo / "journeys/clients/harbor-street-bakery.yml",
         ("must_know: No calls before 1pm, ever;", "must_know: No calls before noon;"))
    out = diff_command(repo, "journeys", "HEAD", None, DAY)
    assert ("- **Days 31-60** `day-60`: promise to the client: You start to see progress in "
            "numbers, and we tell you plainly what is on track and what is behind. → You see "
            "your first numbers move, and we tell you plainly what is on track and what is "
            "behind.\n") in out
    assert ("- **Harbor Street Bakery** `harbor-street-bakery`: internal `must_know` "
            "changed\n") in out
    assert "noon" not in out and "1pm" not in out


def test_a_persons_internal_note_changed(repo: Path) -> None:
    person = repo / "journeys/team/alex-rivera.md"
    edit(person, ("notes: Prefers calls before 10am.", "notes: Away in March."),
         ('phone: "+1 555 0102"', 'phone: "+1 555 0199"'),
         ("title: Client Lead\n", "title: Senior Client Lead\n"))
    out = diff_command(repo, "journeys", "HEAD", None, DAY)
    assert out == (
        "### Journey review: `HEAD` → the working tree\n\n"
        "**1 person changed.**\n\n#### Team\n\n"
        "- **Alex Rivera** `alex-rivera`: title: Client Lead → Senior Client Lead; "
        "phone number changed; internal notes changed\n"
    )


def test_a_side_with_an_invalid_file(repo: Path) -> None:
    edit(repo / JOURNEY,
         ("    feel: 3\n    emotion: curious\n", "    feel: 9\n    emotion: curious\n"),
         ("    day: 7\n    owner: lead\n", "    day: 7\n    owner: assistant\n"))
    edit(repo / "journeys/team/sam-okafor.md", ("name: ", "nmae: "))
    line = next(i for i, text in enumerate((repo / JOURNEY).read_text().splitlines(), 1)
                if "feel: 9" in text)
    out = diff_command(repo, "journeys", "HEAD", None, DAY)
    lines = out.splitlines()
    assert lines[:4] == [
        "### Journey review: `HEAD` → the working tree", "",
        "**The head (the working tree) has 2 errors**; this review compares what loaded:", "",
    ]
    assert lines[4].startswith(f"- `{JOURNEY}:{line}`: 'feel' in touchpoint 'first-hello' ")
    assert lines[5] == "- `journeys/team/sam-okafor.md:2`: unknown key 'nmae' (did you mean " \
        "'name'?)"
    assert lines[7] == "**1 owner changed, 2 items not compared for their errors.**"
    # Loaded without its feel, or not at all: neither is reported as a change.
    assert "| **A warm first reply** `first-hello` | not compared: it has errors in the head |"\
        in lines
    assert "- **Sam Okafor** `sam-okafor`: not compared: it has errors in the head" in lines
    assert "| **Kickoff meeting** `kickoff` | owner: Client lead → Client assistant |" in lines
    assert "removed" not in out and "none" not in out

    # The same files, broken in the base instead.
    git(repo, "commit", "-qam", "Broken")
    git(repo, "revert", "--no-edit", "HEAD")
    out = diff_command(repo, "journeys", "HEAD~1", "HEAD", DAY)
    assert "**The base (`HEAD~1`) has 2 errors**" in out
    assert "- **Sam Okafor** `sam-okafor`: not compared: it has errors in the base" in out
    assert "added" not in out


def test_not_a_git_repository(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    with pytest.raises(JourneymapError, match="not in a git repository"):
        diff_command(ws, "journeys", "HEAD~1", None, DAY)
    with pytest.raises(JourneymapError, match="not in a git repository"):
        load_revision(ws, "journeys", "HEAD")


def test_unknown_revision(repo: Path) -> None:
    with pytest.raises(JourneymapError, match="unknown revision 'no-such-branch'"):
        diff_command(repo, "journeys", "no-such-branch", None, DAY)
    with pytest.raises(JourneymapError, match="unknown revision '--output=x'"):
        diff_command(repo, "journeys", "main", "--output=x", DAY)


def test_a_revision_before_the_workspace_existed(repo: Path) -> None:
    git(repo, "commit", "-q", "--allow-empty", "-m", "later")
    empty = subprocess.run(["git", "commit-tree", "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
                            "-m", "empty"], cwd=repo, capture_output=True, text=True,
                           check=True).stdout.strip()
    out = diff_command(repo, "journeys", empty, "HEAD", DAY)
    assert "**1 journey added, 6 people added, 8 clients added.**" in out
    journey = load_workspace(repo, "journeys").workspace.journeys["client-love"]
    assert f"Journey added: 7 stages, {len(journey.touchpoints)} touchpoints." in out


def test_a_revision_lives_as_long_as_its_workspace(repo: Path) -> None:
    loaded = load_revision(repo, "journeys", "HEAD")
    assert not loaded.problems
    folder = loaded.workspace.source
    assert folder != repo / "journeys"
    photo = loaded.workspace.people["alex-rivera"].photo
    assert photo is not None
    assert photo.read_bytes() == (repo / "journeys/team/alex-rivera.jpg").read_bytes()
    del loaded, photo
    gc.collect()
    assert not folder.exists()


def test_a_touchpoint_with_a_new_id_but_the_same_title_and_day_is_renamed(repo: Path) -> None:
    base = load_workspace(repo, "journeys").workspace
    edit(repo / JOURNEY, ("  - id: founder-note\n", "  - id: founder-card\n"),
         ("title: Deep Dive call\n", "title: Deep Dive\n"))
    for client in (repo / "journeys/clients").glob("*.yml"):
        client.write_text(client.read_text().replace("founder-note:", "founder-card:"))
    head = load_workspace(repo, "journeys")
    assert not head.problems
    review = compare(base, head.workspace, DAY)
    assert [(c.kind, c.subject, c.detail) for c in review.journeys[0].touchpoints] == [
        ("touchpoint-renamed", "**Deep Dive** `deep-dive`", "title: Deep Dive call → Deep Dive"),
        ("touchpoint-renamed", "**Handwritten thank-you from the founder** `founder-card`",
         "id `founder-note` → `founder-card`"),
    ]
    assert review.journeys[0].impacts == []  # no date moved
    assert review.headline() == ["2 touchpoints renamed", "6 clients changed"]


def fake_lint(ws: Workspace) -> list[Problem]:
    """Stages with no touchpoint, and touchpoints owned by the assistant, at their lines."""
    found: list[Problem] = []
    for journey in ws.journeys.values():
        for stage in journey.stages:
            if not journey.in_stage(stage.id):
                found.append(Problem(journey.path, stage.where.line, 5,
                                     f"stage '{stage.id}' has no touchpoint", "warning",
                                     "empty-stage"))
        for tp in journey.touchpoints:
            if tp.owner == "assistant":
                found.append(Problem(journey.path, tp.where.line, 5,
                                     f"'{tp.id}' is owned by the assistant", "warning",
                                     "assistant-owner"))
    return found


def test_lint_findings_added_and_fixed(repo: Path) -> None:
    base = load_workspace(repo, "journeys").workspace
    change_the_journey(repo)
    edit(repo / JOURNEY,
         # Every finding moves down two lines: moved is neither added nor fixed.
         ("title: Client Love Journey\n", "# A note\n# Another\ntitle: Client Love Journey\n"),
         ("    stage: every-year\n    owner: assistant\n    support: [lead]\n",
          "    stage: every-year\n    owner: lead\n    support: [lead]\n"))
    head = load_workspace(repo, "journeys").workspace
    review = compare(base, head, DAY, fake_lint)

    def at(ws: Workspace, stage: str = "", tp: str = "") -> str:
        journey = ws.journeys["client-love"]
        where = journey.stage(stage).where if stage else journey.touchpoint(tp).where  # type: ignore[union-attr]
        return f"`{JOURNEY}:{where.line}`"

    assert review.headline()[-2:] == ["2 lint findings added", "1 lint finding fixed"]
    assert review_markdown(review).endswith(
        "#### Lint\n\nNew findings:\n\n"
        f"- {at(head, stage='six-months')}: warning: stage 'six-months' has no touchpoint "
        "(`empty-stage`)\n"
        f"- {at(head, tp='kickoff')}: warning: 'kickoff' is owned by the assistant "
        "(`assistant-owner`)\n\n"
        f"Fixed:\n\n- {at(base, tp='birthday-card')}: warning: 'birthday-card' is owned by the "
        "assistant (`assistant-owner`)\n"
    )
    unchanged = compare(base, base, DAY, fake_lint)
    assert unchanged.empty and review_markdown(unchanged).endswith(NO_CHANGES + "\n")


def test_user_text_cannot_break_the_markdown(repo: Path) -> None:
    base = load_workspace(repo, "journeys").workspace
    edit(repo / JOURNEY, ("title: Kickoff meeting\n",
                          "title: \"Kick | off <img src=x> **now** &copy; ~x~\"\n"))
    review = compare(base, load_workspace(repo, "journeys").workspace, DAY)
    out = review_markdown(review)
    row = next(line for line in out.splitlines() if "`kickoff`" in line)
    assert row == ("| **Kick \\| off \\<img src=x\\> \\*\\*now\\*\\* \\&copy; \\~x\\~** `kickoff` "
                   "| title: Kickoff meeting → Kick \\| off \\<img src=x\\> \\*\\*now\\*\\* "
                   "\\&copy; \\~x\\~ |")


def test_a_journeys_own_words_and_lint_settings_changed(repo: Path) -> None:
    # Both change every page or what the build allows: the review says from what to what.
    edit(repo / JOURNEY, ("\nroles:", "\nwords: {client: member, sales: the front desk}\n"
                                        "lint:\n  low-feel: off\n  first-100-days-gap:"
                                        " {level: warning, days: 21}\nroles:"))
    out = diff_command(repo, "journeys", "HEAD", None, DAY)
    assert "words: none → client: member, sales: the front desk" in out
    assert ("lint settings: none → first-100-days-gap: (level warning, days 21), "
            "low-feel: off") in out


def test_a_touchpoint_added_with_since_says_whom_it_reaches(repo: Path) -> None:
    # Added on 15 October: day 45 had passed for three current clients by then (the one who
    # left is no longer counted); for two, and the two who sign in January, it falls after,
    # so they are owed it.
    edit(repo / JOURNEY, ("touchpoints:\n", "touchpoints:\n  - id: day-45-call\n"
                          "    title: A call at day 45\n    day: 45\n    owner: lead\n"
                          "    since: 2026-10-15\n"))
    git(repo, "commit", "-qam", "A call at day 45, from now on")
    out = diff_command(repo, "journeys", "HEAD~1", "HEAD", DAY)
    assert ("added: day 45 in Days 31-60, owner Client lead, owed from 2026-10-15 on; "
            "reaches Brightwater Dental, Harbor Street Bakery, Lamp & Ladder Books, Saltmarsh "
            "Ceramics; not Fern & Fold Design Studio, "
            "Spoke & Sprocket Cycles, Tidewater Yoga (past its day before it was added)") in out
    assert "| added | 4 of 7 clients |" in out
