#!/usr/bin/env bash
# The system programs the tests drive, installed from Debian's packages where they are missing (CI included):
#   chromium          renders report.html headless (tests/browser)
#   fonts-noto-cjk    Chinese glyphs for chromium and LibreOffice (a page of tofu boxes would pass no review)
#   libreoffice       opens the summary .docx and converts it to PDF (tests/office)
#   poppler-utils     pdffonts/pdftotext read that PDF back
# Nothing is installed when every program is already there; a machine without apt-get gets a clear message.
# On a fresh machine they are about 540 MB, installed as root (sudo when not root). When another install holds
# the package manager's lock (an unattended upgrade at boot), this waits for it, up to APT_LOCK_WAIT seconds.
set -euo pipefail

APT_LOCK_WAIT=${APT_LOCK_WAIT:-600}

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
command -v pdffonts >/dev/null || missing+=(poppler-utils)
[ -n "$(fc-list "Noto Sans CJK SC" family 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "error: the tests need: ${missing[*]} (Debian package names); install them, then run make test again" >&2
  exit 2
fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "make test: installing ${missing[*]} from Debian's packages (about 540 MB on a fresh machine, as root):" \
     "the browser test renders report.html in chromium, the Word test converts the draft with LibreOffice" >&2
export DEBIAN_FRONTEND=noninteractive

# apt-get, again while another process holds the package manager's lock (apt says "Could not get lock"),
# until APT_LOCK_WAIT seconds have passed; any other failure at once.
apt_get() {
  local waited=0 log
  log=$(mktemp)
  while true; do
    if "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=10 "$@" >"$log" 2>&1; then
      rm -f "$log"
      return 0
    fi
    if grep -q "Could not get lock\|Unable to acquire the dpkg frontend lock\|Unable to lock" "$log" \
        && [ "$waited" -lt "$APT_LOCK_WAIT" ]; then
      [ "$waited" -eq 0 ] && echo "make test: another install holds the package manager's lock; waiting for it" \
                                   "(up to ${APT_LOCK_WAIT} s)" >&2
      sleep 5
      waited=$((waited + 15))  # (the try itself waited up to 10 s)
      continue
    fi
    cat "$log" >&2
    rm -f "$log"
    return 1
  done
}

apt_get install -y --no-install-recommends -qq "${missing[@]}" \
  || { apt_get update -qq && apt_get install -y --no-install-recommends -qq "${missing[@]}"; }
