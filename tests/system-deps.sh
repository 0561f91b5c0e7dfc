#!/usr/bin/env bash
# The system programs the tests drive, installed from Debian's packages where they are missing (CI included):
#   chromium          renders report.html headless (tests/browser)
#   fonts-noto-cjk    Chinese glyphs for chromium and LibreOffice (a page of tofu boxes would pass no review)
#   libreoffice       opens the summary .docx and converts it to PDF (tests/office)
#   poppler-utils     pdffonts/pdftotext read that PDF back
# Nothing is installed when every program is already there; a machine without apt-get gets a clear message.
set -euo pipefail

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
echo "installing ${missing[*]} (Debian packages the browser and Word tests need)" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get install -y --no-install-recommends -qq "${missing[@]}" >/dev/null 2>&1 \
  || { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y --no-install-recommends -qq "${missing[@]}"; }
