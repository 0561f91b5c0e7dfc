"""A new workspace (docs/contract.md §1) from one call: `mubiao init`.

A blank workspace is a commented plan template for the current year in `targets/`, the plan's JSON Schema
beside it, a README in `data/` and in `reports/`, and a `.gitignore` for mubiao's read cache. The example
workspace has the bundled sample instead of the template: the plan `jinhua-2021` and a year of its counties'
progress files, so that every command works at once. Both come from inside the package (`templates/workspace/`,
`sample/`, `schema.py`), so they work wherever mubiao is installed.

Nothing that exists is ever overwritten, and a workspace is written whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from string import Template

from mubiao.errors import WorkspaceError

#: The plan the example workspace holds (its copy in the package is made by data/bundle_sample.py).
EXAMPLE_PLAN_ID = "jinhua-2021"

_NOT_OVERWRITTEN = "mubiao init 不覆盖已有文件,未写入任何文件"


@dataclass(frozen=True)
class NewWorkspace:
    """What `init_workspace` wrote."""

    root: Path
    """The workspace root, as given."""
    plan: Path
    """The plan file, under `root/targets/`: the template to fill in, or the example plan."""
    files: tuple[Path, ...]
    """Every file written, in the order written (each under `root`)."""


def workspace_files(example: bool = False, year: int | None = None,
                    level: str = "city") -> dict[PurePosixPath, bytes]:
    """Every file of a new workspace: its path relative to the root, and its bytes.

    `example` False: the plan template `targets/plan-<year>.toml` (`year` default: this year), for a plan running
    from 1 January to 31 December of that year. True: the sample plan `targets/jinhua-2021.toml` and its
    progress files under `data/jinhua-2021/`. Either way `targets/plan.schema.json`, `data/README.md`,
    `reports/README.md` and `.gitignore`.
    """
    from mubiao.schema import schema_json

    templates = files("mubiao") / "templates" / "workspace"
    new: dict[PurePosixPath, bytes] = {}
    if example:
        new.update(_tree(files("mubiao") / "sample"))
        sample_note = (f"\n本工作区由 `mubiao init --example` 生成:`{EXAMPLE_PLAN_ID}/` 下是示例数据,"
                       "除婺城区 12 月的数字外均为虚构,仅供试用。\n")
    else:
        year = year or dt.date.today().year
        plan_id = f"plan-{year}"
        new[PurePosixPath("targets", f"{plan_id}.toml")] = _encoded(plan_template(plan_id, year, level))
        sample_note = ""
    new[PurePosixPath("targets", "plan.schema.json")] = _encoded(schema_json())
    data_readme = Template(templates.joinpath("data-README.md").read_text(encoding="utf-8"))
    new[PurePosixPath("data", "README.md")] = _encoded(data_readme.substitute(sample_note=sample_note))
    new[PurePosixPath("reports", "README.md")] = templates.joinpath("reports-README.md").read_bytes()
    new[PurePosixPath(".gitignore")] = templates.joinpath("gitignore").read_bytes()
    return new


def init_workspace(root: str | Path = ".", example: bool = False, year: int | None = None,
                   level: str = "city") -> NewWorkspace:
    """Write a new workspace (`workspace_files`) into `root`, making `root` and its folders as needed.

    `root` may exist and hold other files, but none of the files to write: when one exists (or a folder in its
    place, or a file where a folder is to go) WorkspaceError names it and nothing is written. If writing fails
    part-way (a full disk, an interrupt), what this call wrote, files and folders, is removed again before the
    error goes on: a workspace is there whole or not at all.
    """
    root = Path(root)
    new = workspace_files(example, year, level)
    for relative in new:
        _refuse_existing(root, relative)
    written = _write_new({root.joinpath(*relative.parts): data for relative, data in new.items()})
    plan = next(path for path in written if path.parent == root / "targets" and path.suffix == ".toml")
    return NewWorkspace(root=root, plan=plan, files=tuple(written))


#: What `mubiao init --level` writes into the template: the organisation, two example units (id, name), and
#: the level's words (docs/plan-format.md, "levels"), which the template's own texts are read in.
LEVELS = {
    "city": ("××市民政局", ("jiaxian", "甲县"), ("yiqu", "乙区")),
    "district": ("××区民政局", ("jiazhen", "甲镇"), ("yijiedao", "乙街道")),
    "county": ("××县民政局", ("jiaxiang", "甲乡"), ("yizhen", "乙镇")),
    "province": ("××省民政厅", ("jiashi", "甲市"), ("yishi", "乙市")),
}


def plan_template(plan_id: str, year: int, level: str = "city") -> str:
    """The commented plan template of a bureau of `level` (city, district, county, province)."""
    from mubiao.labels import in_words
    from mubiao.models import Levels, levels_of

    organization, (unit1_id, unit1_name), (unit2_id, unit2_name) = LEVELS[level]
    words = levels_of(organization)
    text = files("mubiao").joinpath("templates", "workspace", "plan.toml").read_text(encoding="utf-8")
    lines = "" if words == Levels() else (
        "\n# 各级的称谓:通报、总结、填报表和提示都用这些词(按发文机关推定;可改)\n[plan.levels]\n"
        f'whole = "{words.whole}"\nunits = "{words.units}"\nunit = "{words.unit}"\nown = "{words.own}"\n'
        f'office = "{words.office}"\n'
        f"unit_bureaus = {'true' if words.unit_bureaus else 'false'}  # 各报送单位是否有自己的民政局\n")
    return Template(in_words(text, words)).substitute(
        plan_id=plan_id, year=year, organization=organization, levels=lines, unit1_id=unit1_id,
        unit1_name=unit1_name, unit2_id=unit2_id, unit2_name=unit2_name)


def _refuse_existing(root: Path, relative: PurePosixPath) -> None:
    """Raise WorkspaceError when writing `relative` under `root` would replace or go through something."""
    hint = f"{_NOT_OVERWRITTEN};请换一个目录,或先移走它"
    path = root
    for folder in relative.parent.parts:
        path = path / folder
        if path.is_symlink():
            raise WorkspaceError("这是一个链接,mubiao init 不会经链接把文件写到别处", file=path, hint=hint)
        if path.exists() and not path.is_dir():
            raise WorkspaceError("已有同名文件,无法在此建文件夹", file=path, hint=hint)
    path = root.joinpath(*relative.parts)
    if path.exists() or path.is_symlink():
        raise WorkspaceError("文件已存在", file=path, hint=hint)


def _write_new(new: dict[Path, bytes]) -> list[Path]:
    """Create each file of `new` (never replacing one: exclusive creation), making folders as needed; on any
    failure remove what was made, newest first, and raise (a file that appeared meanwhile: WorkspaceError)."""
    made_folders: list[Path] = []
    written: list[Path] = []
    try:
        for path, data in new.items():
            for folder in reversed([path.parent, *path.parent.parents]):
                if not folder.exists():
                    folder.mkdir()
                    made_folders.append(folder)
            written.append(path)  # before opening: a file half-written by a failing write is removed too
            try:
                with open(path, "xb") as stream:
                    stream.write(data)
            except FileExistsError:
                written.pop()  # someone else's file, made since the check: not ours to remove
                raise WorkspaceError("文件已存在", file=path, hint=_NOT_OVERWRITTEN) from None
    except BaseException:
        for path in reversed(written):
            path.unlink(missing_ok=True)
        for folder in reversed(made_folders):
            try:
                folder.rmdir()
            except OSError:  # something else was put there meanwhile: leave it, and the folder
                pass
        raise
    return written


def _tree(folder: Traversable, under: PurePosixPath | None = None) -> dict[PurePosixPath, bytes]:
    """Every file below a package folder, by its path relative to that folder, in name order."""
    under = under or PurePosixPath()
    found: dict[PurePosixPath, bytes] = {}
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        if entry.is_dir():
            found.update(_tree(entry, under / entry.name))
        else:
            found[under / entry.name] = entry.read_bytes()
    return found


def _encoded(text: str) -> bytes:
    # UTF-8 without a BOM and '\n' line ends on every platform: a BOM in a plan is a warning (P003)
    return text.encode("utf-8")
