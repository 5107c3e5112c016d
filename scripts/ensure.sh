#!/usr/bin/env bash
# Makes `npm start` and `npm test` work on a fresh clone of a Debian machine (or a Raspberry Pi OS
# gateway): installs node_modules when missing and the Debian packages the chosen command needs.
# Usage: scripts/ensure.sh start|test
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-test}"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "tidegate: installing npm packages (npm ci; better-sqlite3 compiles, about 90 s)..." >&2
  npm ci --no-audit --no-fund
fi
# bin/tidegate.js runs the compiled dist/: rebuilt when a source is newer than the last build
node scripts/build.mjs --if-stale

# binary:package pairs
start_needs="influxd:influxdb socat:socat"
test_needs="openssl:openssl influxd:influxdb influx:influxdb-client socat:socat mosquitto:mosquitto mosquitto_pub:mosquitto-clients mbpoll:mbpoll udevadm:udev redis-server:redis-server chromium:chromium"
case "$what" in
  start) needs="$start_needs" ;;
  *) needs="$test_needs" ;;
esac

missing=()
for pair in $needs; do
  bin="${pair%%:*}"; pkg="${pair##*:}"
  if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$bin" ] && [ ! -x "/usr/bin/$bin" ]; then
    missing+=("$pkg")
  fi
done
if [ "$what" = test ] && ! /usr/bin/python3 -c 'import pymodbus' >/dev/null 2>&1; then
  missing+=(python3-pymodbus)
fi

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
fi
