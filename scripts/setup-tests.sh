#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian/Ubuntu machine with Python 3.11+:
# Debian's chromium (the browser test, with an emoji font for its screenshots),
# poppler-utils (looking at PDF exports) and the project with its test extras.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

emoji=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null || [ ! -e "$emoji" ]; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends chromium poppler-utils fonts-noto-color-emoji fonts-dejavu-core >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
