"""What an area wrote beside its figure, in its parts: the progress (进展情况), the problem (存在问题) and the
next measure (下步措施) (docs/progress-files.md "Notes").

A form has one column for each (备注 / 进展情况, 存在问题, 下步措施); many townships write all three into 备注 as
"存在问题：…；下步措施：…". The readers keep one text per record (`joined`: the columns in that labelled form),
and `split` reads the parts back from either, so a cause in a draft is only ever what an area wrote under
存在问题, never guessed from a progress note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The labels of the parts, as `joined` writes them and as people write them inside a 备注 (a label followed
#: by ：or :). The first of each is the one `joined` writes.
PROBLEM_LABELS = ("存在问题", "存在的问题", "困难和问题", "问题")
MEASURE_LABELS = ("下步措施", "下一步措施", "下步打算", "下一步打算", "整改措施")

_LABEL = re.compile("(?:^|(?<=[；;。\n]))\\s*(" + "|".join(sorted(PROBLEM_LABELS + MEASURE_LABELS, key=len,
                                                                 reverse=True)) + ")\\s*[:：]\\s*")
_ENDS = " ；;。，,\n"
#: What people write in a column that has nothing to say: read as blank, never as a cause ("原因：无").
NOTHING = frozenset({"无", "暂无", "没有", "无问题", "无。", "暂无。", "/", "-", "—", "——"})


@dataclass(frozen=True)
class NoteParts:
    """A note's parts; each '' when the area wrote none."""

    progress: str = ""
    problem: str = ""
    measure: str = ""


def joined(progress: str | None, problem: str | None, measure: str | None) -> str | None:
    """One record's note from its three columns: the progress, then `存在问题：…`, then `下步措施：…`, each
    part that is blank left out; None when all are."""
    parts = [(progress or "").strip()]
    for label, text in ((PROBLEM_LABELS[0], problem), (MEASURE_LABELS[0], measure)):
        if text and text.strip() and text.strip() not in NOTHING:
            parts.append(f"{label}：{text.strip()}")
    text = "；".join(part.rstrip(_ENDS) if index < len(parts) - 1 else part
                    for index, part in enumerate(parts) if part)
    return text or None


def split(note: str) -> NoteParts:
    """The parts of a note: the text before any label is the progress; the text after 存在问题：(or one of
    PROBLEM_LABELS) up to the next label is the problem, after 下步措施：the measure."""
    found = list(_LABEL.finditer(note))
    if not found:
        return NoteParts(note.strip())
    parts = {"progress": note[:found[0].start()].strip().rstrip(_ENDS), "problem": "", "measure": ""}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(note)
        text = note[match.end():end].strip().rstrip(_ENDS)
        key = "problem" if match.group(1) in PROBLEM_LABELS else "measure"
        if text in NOTHING:
            continue
        parts[key] = "；".join(p for p in (parts[key], text) if p)
    return NoteParts(**parts)
