#!/usr/bin/env bash
# Installs what the test suite needs on Debian/Ubuntu, then the project with its test
# extras into .venv (scripts/setup.sh --test) and GitHub's GraphQL schema into .cache/
# (scripts/fetch-github-schema.sh) and the sign-in test's OpenID Connect provider into .cache/
# (scripts/fetch-oidc-provider.sh). Debian packages, installed with apt when missing (as
# root or through sudo; otherwise this names them and stops):
#   chromium                 the browser test, and kaleido's chart rendering in PDF/PPTX exports
#   poppler-utils            pdftotext, pdfinfo and pdftoppm read the PDF exports back
#   libreoffice-impress      renders the PPTX deck as a viewer shows it (tests/reports/test_slides.py)
#   fonts-dejavu-core        the PDF exports' Unicode font
#   fonts-noto-color-emoji   the page icons in the browser test's screenshots
#   libatomic1               Playwright's own Node.js (its driver) links against it
#   nodejs, npm              `npm pack` fetches GitHub's schema (@octokit/graphql-schema),
#                            `npm ci` the sign-in test's identity provider (oidc-provider)
#   python3.X-venv           only if python3 cannot make a virtual environment without it
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

missing=()
command -v chromium >/dev/null || missing+=(chromium)
for tool in pdftotext pdfinfo pdftoppm; do
  command -v "$tool" >/dev/null || { missing+=(poppler-utils) && break; }
done
command -v soffice >/dev/null || command -v libreoffice >/dev/null || missing+=(libreoffice-impress)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
libraries=$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)
[[ $libraries == *"libatomic.so.1 "* ]] || missing+=(libatomic1)
if ! command -v npm >/dev/null; then
  command -v node >/dev/null || missing+=(nodejs)
  missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "the tests" "${missing[@]}"
fi

scripts/setup.sh --test
scripts/fetch-github-schema.sh
scripts/fetch-oidc-provider.sh
