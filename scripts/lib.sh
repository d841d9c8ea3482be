# Helpers for the set-up scripts (sourced, not run): messages, and Debian packages
# installed with apt as root or through sudo, or else named in one line to install by hand.

say() { echo "teamlens setup: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# can_install: true when this user can run apt-get as root (is root, or has sudo).
can_install() {
  command -v apt-get >/dev/null && { [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null; }
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# apt_install WHY PACKAGE...: install Debian packages, or stop naming exactly what to install.
apt_install() {
  local why=$1
  shift
  if ! can_install; then
    if command -v apt-get >/dev/null; then
      die "$why needs Debian's $*: run \`sudo apt-get install $*\` as an administrator, then this command again"
    fi
    die "$why needs $* (Debian/Ubuntu package names): install them with your system's package manager, then run this command again"
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${TEAMLENS_APT_UPDATED:-}" ]; then
    say "apt-get update"
    as_root apt-get update -qq
    export TEAMLENS_APT_UPDATED=1
  fi
  say "installing Debian packages for $why: $*"
  as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
