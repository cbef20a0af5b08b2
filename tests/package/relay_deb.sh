#!/usr/bin/env bash
# The relay's Debian package, as an operator meets it: built by
# scripts/package-relay, installed with `dpkg -i`, its files in place, the
# service user owning /var/lib/nextdate-relay, the systemd unit valid (where
# systemd-analyze exists), the installed binary started from /usr/bin as that
# user (the way the unit starts it) answering /health on 127.0.0.1 and making
# a registration token, then `dpkg -r` removing it. A machine where the relay
# is already installed is left alone (skipped).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if dpkg-query -W -f='${Status}' nextdate-relay 2>/dev/null | grep -q "install ok installed"; then
  echo "relay package test: skipped (nextdate-relay is installed on this machine; not touching it)" >&2
  exit 0
fi
fail() {
  echo "relay package test: $*" >&2
  exit 1
}
art="artifacts/package"
mkdir -p "$art"
need_apt curl binutils

deb="$(scripts/package-relay | tail -1)"
[ -f "$deb" ] || fail "scripts/package-relay made no .deb"
dpkg-deb -I "$deb" > "$art/relay-control.txt"
dpkg-deb -c "$deb" > "$art/relay-contents.txt"

pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  $sudo dpkg -r nextdate-relay >/dev/null 2>&1 || true
  $sudo rm -rf /var/lib/nextdate-relay
  $sudo userdel nextdate-relay 2>/dev/null || true
}
trap cleanup EXIT
$sudo dpkg -i "$deb" >/dev/null
for f in /usr/bin/nextdate-relay /lib/systemd/system/nextdate-relay.service /etc/default/nextdate-relay; do
  [ -f "$f" ] || fail "$f is not installed"
done
getent passwd nextdate-relay >/dev/null || fail "no nextdate-relay user"
[ "$(stat -c %U:%G:%a /var/lib/nextdate-relay)" = "nextdate-relay:nextdate-relay:750" ] \
  || fail "/var/lib/nextdate-relay is $(stat -c %U:%G:%a /var/lib/nextdate-relay)"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/nextdate-relay.service 2> "$art/relay-unit-verify.txt" \
    || fail "the unit does not verify: $(cat "$art/relay-unit-verify.txt")"
fi
grep -q '^ExecStart=/usr/bin/nextdate-relay --data /var/lib/nextdate-relay ' /lib/systemd/system/nextdate-relay.service \
  || fail "the unit does not start the installed binary on its data folder"

# Started as the unit starts it (no systemd in a container): its user, its folder.
out="$(mktemp)"
$sudo runuser -u nextdate-relay -- /usr/bin/nextdate-relay --data /var/lib/nextdate-relay \
  --listen 127.0.0.1:0 --log-format json > "$out" 2> "$art/relay-service.log" &
pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^nextdate-relay listening on //p' "$out")"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the installed relay exited: $(cat "$art/relay-service.log")"
  sleep 0.1
done
[ -n "$url" ] || fail "the installed relay never said where it listens"
case "$url" in https://127.0.0.1:*) ;; *) fail "unexpected address $url" ;; esac
health="$(curl -sk "$url/health")"
[ "$health" = '{"status":"ok"}' ] || fail "health said: $health"
[ -f /var/lib/nextdate-relay/relay.db ] || fail "no database in the data folder"
[ "$(stat -c %U /var/lib/nextdate-relay/relay.db)" = "nextdate-relay" ] || fail "the database is not the service user's"
token="$($sudo runuser -u nextdate-relay -- /usr/bin/nextdate-relay --data /var/lib/nextdate-relay token create --note package | head -1)"
[ "${#token}" -eq 64 ] || fail "token create printed: $token"
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
rm -f "$out"

trap - EXIT
$sudo dpkg -r nextdate-relay >/dev/null
for f in /usr/bin/nextdate-relay /lib/systemd/system/nextdate-relay.service; do
  [ ! -e "$f" ] || fail "$f is still there after removal"
done
# The chambers' data stays until the operator deletes it; clean up this test's.
[ -d /var/lib/nextdate-relay ] || fail "removing the package deleted the chambers' data"
$sudo rm -rf /var/lib/nextdate-relay
$sudo userdel nextdate-relay 2>/dev/null || true
echo "relay package test: $(basename "$deb") built, installed, started as its user, removed" >&2
