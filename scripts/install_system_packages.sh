#!/usr/bin/env bash
# Install the Debian packages zwgk needs for static figure export (chromium for kaleido,
# fonts-noto-cjk so Chinese renders). As root with apt-get: install what is missing.
# Otherwise: say exactly what to install, and carry on (parsing and tests need neither).
set -euo pipefail
missing=()
for package in "$@"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages present: $*"
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "zwgk: please install these Debian packages for figure export, then rerun:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
fi
