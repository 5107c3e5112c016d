#!/usr/bin/env bash
# Makes `npm start` and `npm test` work on a fresh clone of a Debian machine (or a Raspberry Pi OS
# gateway): installs node_modules when missing and the Debian packages the chosen command needs.
# Usage: scripts/ensure.sh start|test
#
# Each peer is checked by running it (or importing it), not by `command -v`: python3-pymodbus installs
# without python3-serial under --no-install-recommends, and only an import shows that its serial
# server cannot start.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-test}"
PATH="$PATH:/usr/sbin:/sbin"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "tidegate: installing npm packages (npm ci; better-sqlite3 compiles, about 90 s)..." >&2
  npm ci --no-audit --no-fund
fi
# bin/tidegate.js runs the compiled dist/: rebuilt when a source is newer than the last build
node scripts/build.mjs --if-stale

# One check per line: Debian package, then the command that proves it works.
start_checks='
influxdb|influxd version
influxdb-client|influx -version
socat|socat -V
'
test_checks="$start_checks"'
openssl|openssl version
mosquitto|mosquitto -h 2>&1 | grep -q "^mosquitto version"
mosquitto-clients|mosquitto_pub --help 2>&1 | grep -q "^mosquitto_pub version"
mbpoll|mbpoll -V
udev|udevadm --version
redis-server|redis-server --version
chromium|chromium --version
python3-pymodbus|/usr/bin/python3 -c "import pymodbus.server"
python3-serial|/usr/bin/python3 -c "import serial"
python3-serial-asyncio|/usr/bin/python3 -c "import serial_asyncio"
'
case "$what" in
  start) checks="$start_checks" ;;
  *) checks="$test_checks" ;;
esac

missing=()
while IFS='|' read -r pkg check; do
  [ -n "$pkg" ] || continue
  if ! bash -c "$check" >/dev/null 2>&1; then missing+=("$pkg"); fi
done <<<"$checks"

if [ ${#missing[@]} -gt 0 ]; then
  # shellcheck disable=SC2207
  missing=($(printf '%s\n' "${missing[@]}" | sort -u))
  cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then
    echo "tidegate: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "tidegate: installing Debian packages with sudo: ${missing[*]}" >&2
    sudo -n env DEBIAN_FRONTEND=noninteractive sh -c "$cmd" >&2
  else
    echo "tidegate: missing Debian packages: ${missing[*]}" >&2
    echo "run: sudo sh -c '$cmd'" >&2
    exit 1
  fi
  # Installed is not working: check again, and name what still fails.
  still=()
  while IFS='|' read -r pkg check; do
    [ -n "$pkg" ] || continue
    if ! bash -c "$check" >/dev/null 2>&1; then still+=("$pkg: $check"); fi
  done <<<"$checks"
  if [ ${#still[@]} -gt 0 ]; then
    printf 'tidegate: still not working after install:\n' >&2
    printf '  %s\n' "${still[@]}" >&2
    exit 1
  fi
fi
