"""Plans found free of errors, remembered under `.mubiao-cache/plans/` so that the next run neither parses nor checks
an unchanged plan again (a national plan's TOML and its check take most of a second).

Each memo is the plan's TOML data as JSON, named by the hash of the file's bytes and of this mubiao: the check of a
plan is a function of its bytes alone. A memo carries the hash of its own text: one that does not match it, or
that does not make a plan, is ignored and written again, never trusted. The newest few are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from mubiao.readers.store import cache_folder

FOLDER = "plans"
REMEMBERED = 16
#: Bump when what a memo holds changes.
FORMAT = 2


def _memo(root: str | Path, raw: bytes) -> Path | None:
    """Where the memo of these bytes is kept; None when the workspace's cache is not to be used (`cache_folder`)."""
    from mubiao import __version__

    folder = cache_folder(root)
    if folder is None:
        return None
    key = hashlib.sha256(f"{FORMAT}|{__version__}|".encode() + raw).hexdigest()
    return folder / FOLDER / f"{key}.json"


def recall(root: str | Path, raw: bytes) -> dict | None:
    """The data of a plan file of exactly these bytes that this mubiao found free of errors, or None."""
    path = _memo(root, raw)
    if path is None:
        return None
    try:
        memo = json.loads(path.read_text(encoding="utf-8"))
        text = memo["data"]
        if not isinstance(text, str) or hashlib.sha256(text.encode("utf-8")).hexdigest() != memo["sha256"]:
            return None
        data = json.loads(text, object_hook=_toml_value)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("plan"), dict) else None


def remember(root: str | Path, raw: bytes, data: dict) -> None:
    """Keep the data of a plan file found free of errors (silently nothing in a read-only workspace)."""
    from mubiao.io import replace_with

    path = _memo(root, raw)
    if path is None:
        return
    text = json.dumps(data, ensure_ascii=False, default=_json_value, allow_nan=False)
    memo = json.dumps({"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "data": text}, ensure_ascii=False)
    try:
        replace_with(path, lambda handle: handle.write(memo.encode("utf-8")), durable=False)
        kept = sorted(path.parent.glob("*.json"), key=lambda found: found.stat().st_mtime_ns, reverse=True)
        for stale in kept[REMEMBERED:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass


def _json_value(value: object) -> dict:
    """TOML's dates and times as JSON (`{"$date": "2021-06-30"}`); no plan key starts with `$`."""
    for kind, type_ in (("$datetime", dt.datetime), ("$date", dt.date), ("$time", dt.time)):
        if isinstance(value, type_):
            return {kind: value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not TOML data")


def _toml_value(obj: dict) -> object:
    if len(obj) == 1:
        (key, value), = obj.items()
        parse = {"$datetime": dt.datetime.fromisoformat, "$date": dt.date.fromisoformat,
                 "$time": dt.time.fromisoformat}.get(key)
        if parse is not None:
            return parse(value)
    return obj
