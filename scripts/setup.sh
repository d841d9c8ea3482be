#!/usr/bin/env bash
# Installs teamlens into a virtual environment inside the checkout (.venv/). Debian 12 and
# Ubuntu 23.04+ mark their python3 "externally managed" (PEP 668) and refuse `pip install`
# outside a venv; Debian also ships venv's ensurepip separately, in python3.X-venv, which is
# installed here with apt (as root or through sudo) when python3 cannot make a venv without
# it. `--test` adds the test extras. Safe to run again. $PYTHON picks another interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

extras=""
case "${1:-}" in
  "") ;;
  --test) extras="[test]" ;;
  *) die "usage: scripts/setup.sh [--test]" ;;
esac

python=${PYTHON:-python3}
command -v "$python" >/dev/null || die "no $python on PATH: teamlens needs Python 3.11 or newer (Debian: apt-get install python3 python3-venv)"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "teamlens needs Python 3.11 or newer; $python is $("$python" -V 2>&1)"

if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    apt_install "a virtual environment (python$version -m venv)" "python$version-venv"
    "$python" -c 'import ensurepip, venv' 2>/dev/null \
      || die "$python still cannot make a virtual environment after installing python$version-venv"
  fi
  rm -rf .venv # a venv that lost its pip, or a half-made one from a failed attempt
  say "creating .venv with $("$python" -V 2>&1)"
  "$python" -m venv .venv
fi
say "installing teamlens${extras:+ with its test extras} into .venv (pip)"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras"
