"""Every commitment of a seed document is tracked by its plan file (issue 21 part 6).

`tests/fixtures/seeds/<plan-id>.txt` is the part of the public document a sample plan encodes, copied verbatim
(tests/fixtures/seeds/README.md names each document). For each plan:

- every `source` of an indicator or a task quotes the document: each of its fragments (a `source` may join
  fragments with `……`) is in the text, punctuation and spaces aside;
- every sentence of the text (up to a 。, or a line) is tracked: some `source` fragment, or a goal's title, is in
  it, or it is listed in `<plan-id>.untracked.toml` with the reason it asks nothing that can be tracked (a heading,
  an exhortation, a sentence another item already carries).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mubiao.readers.plan import load_plan

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "tests" / "fixtures" / "seeds"

def exemptions_of(plan_id: str) -> dict[str, str]:
    """The sentences of a seed that no item tracks, each with why (`<plan-id>.untracked.toml`, `[untracked]`
    sentence = reason): what a planning officer would not put on a 督办 list (a heading, an exhortation, a
    sentence another item already carries)."""
    import tomllib

    path = SEEDS / f"{plan_id}.untracked.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["untracked"] if path.exists() else {}


_PUNCTUATION = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!", "？": "?", "、": "、",
                              "“": '"', "”": '"', "‘": "'", "’": "'", "《": "<", "》": ">"})


def normal(text: str) -> str:
    """Text compared as a reader would: no spaces, one width of punctuation, one kind of quotes."""
    return "".join(text.translate(_PUNCTUATION).split()).replace('"', "").replace("'", "")


def sentences(text: str) -> list[str]:
    """The text's sentences: up to each 。 (or ;), a line break ends one too."""
    found = []
    for line in text.splitlines():
        found += [part.strip() for part in re.split(r"(?<=[。;；])", line) if part.strip()]
    return found


def fragments(source: str) -> list[str]:
    return [normal(part) for part in re.split(r"……|…", source) if normal(part)]


PLANS = sorted(path.stem for path in SEEDS.glob("*.txt"))


@pytest.fixture(scope="module", params=PLANS)
def seeded(request):
    plan = load_plan(REPO / "targets" / f"{request.param}.toml")
    return plan, (SEEDS / f"{request.param}.txt").read_text(encoding="utf-8")


def test_every_seed_has_its_plan_and_every_plan_of_the_seeds_is_here():
    assert PLANS and all((REPO / "targets" / f"{plan}.toml").is_file() for plan in PLANS)


def test_every_source_quotes_the_document(seeded):
    plan, text = seeded
    whole = normal(text)
    unquoted = [(item.id, part) for item in plan.indicators if item.source
                for part in fragments(item.source) if part not in whole]
    assert not unquoted, f"{plan.id}: sources not in the document: {unquoted}"
    assert all(item.source for item in plan.indicators), [i.id for i in plan.indicators if not i.source]


def test_every_sentence_of_the_document_is_tracked(seeded):
    plan, text = seeded
    quotes = [part for item in plan.indicators if item.source for part in fragments(item.source)]
    titles = {normal(goal.title) for goal in plan.goals}  # a goal's title tracks its heading, and nothing more
    exempt = {normal(sentence) for sentence in exemptions_of(plan.id)}

    def heading(sentence: str) -> str:  # `(一)重点推进社会救助稳步提标扩面。` → its words
        return re.sub(r"^(第.{1,3}[章节]|[((]?[一二三四五六七八九十]+[))、]?|\d+[、.])", "", normal(sentence)).rstrip("。;,")

    untracked = [sentence for sentence in sentences(text)
                 if not any(quote in normal(sentence) or normal(sentence).rstrip("。;,") in quote for quote in quotes)
                 and heading(sentence) not in titles and not any(part in normal(sentence) for part in exempt)]
    assert not untracked, f"{plan.id}: sentences no item tracks:\n" + "\n".join(untracked)


def test_every_exemption_is_of_the_document(seeded):
    plan, text = seeded
    whole = normal(text)
    exemptions = exemptions_of(plan.id)
    assert all(normal(sentence) in whole for sentence in exemptions)
    assert all(reason.strip() for reason in exemptions.values())
