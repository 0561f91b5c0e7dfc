#!/usr/bin/env bash
# The install check of issue 9, by hand before a release (not part of `make test`: it installs from PyPI, about
# half a minute): in a fresh virtual environment outside the repository, install mubiao from this checkout, then
# take a new user's first steps on the sample workspace. Every command must exit 0.
#
#   bash tests/install-check.sh          # pip install <repo> into a new venv
#   bash tests/install-check.sh --pipx   # pipx install <repo> (pipx itself goes into a throwaway venv)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

"${PYTHON:-python3}" -m venv tools
if [[ "${1:-}" == "--pipx" ]]; then
    tools/bin/pip install --quiet pipx
    export PIPX_HOME="$work/pipx" PIPX_BIN_DIR="$work/bin" PIPX_MAN_DIR="$work/man"
    tools/bin/pipx install "$repo"
    export PATH="$work/bin:$PATH"
else
    tools/bin/pip install --quiet "$repo"
    export PATH="$work/tools/bin:$PATH"
fi
test "$(command -v mubiao)" != "$repo/.venv/bin/mubiao"

set -x
mubiao init demo --example
cd demo
mubiao check
mubiao gaps > /dev/null
mubiao report
mubiao summary
{ set +x; } 2>/dev/null
echo "install check passed: $(mubiao --version), installed outside $repo"
