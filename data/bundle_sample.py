#!/usr/bin/env python3
"""Copy the sample workspace into the package, for `mubiao init --example`.

    python data/bundle_sample.py        (after `make sample-data`, or after editing targets/jinhua-2021.toml)

`mubiao init --example` must work where mubiao is installed from a wheel, far from this repository, so the
package carries its own copy of the sample: `cli/mubiao/sample/targets/jinhua-2021.toml` and
`cli/mubiao/sample/data/jinhua-2021/…`, byte for byte the files of the repository's workspace. This script
replaces that copy (files that are no longer in the workspace go too); tests/cli/test_init.py fails when the
two differ.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLAN_ID = "jinhua-2021"
BUNDLE = REPO / "cli" / "mubiao" / "sample"

#: What the bundled sample holds, as paths relative to the workspace root (files, or folders copied whole).
SOURCES = (Path("targets") / f"{PLAN_ID}.toml", Path("data") / PLAN_ID)


def main() -> int:
    if BUNDLE.exists():
        shutil.rmtree(BUNDLE)
    for source in SOURCES:
        origin, copy = REPO / source, BUNDLE / source
        copy.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, copy)
        else:
            shutil.copyfile(origin, copy)
    count = sum(1 for path in BUNDLE.rglob("*") if path.is_file())
    print(f"copied {count} files to {BUNDLE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
