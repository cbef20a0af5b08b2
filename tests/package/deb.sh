#!/usr/bin/env bash
# The desktop app's Debian package, as a user meets it: built by scripts/package,
# installed with `apt-get install ./….deb`, its files and dependencies in place,
# the installed app launched under Xvfb on a fresh diary (it paints the setup
# screen: artifacts/package/setup.png), a second launch hands over to the open
# window instead of opening a second one, and `dpkg -r` removes it cleanly.
# A machine where Nextdate is already installed is left alone (skipped).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib.sh
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if dpkg-query -W -f='${Status}' nextdate 2>/dev/null | grep -q "install ok installed"; then
  echo "package test: skipped (Nextdate is installed on this machine; not touching it)" >&2
  exit 0
fi
fail() {
  echo "package test: $*" >&2
  exit 1
}
art="artifacts/package"
rm -rf "$art"
mkdir -p "$art"

deb="$(scripts/package | tail -1)"
[ -f "$deb" ] || fail "scripts/package made no .deb"
dpkg-deb -f "$deb" Package Version Depends Recommends > "$art/control.txt"
grep -q '^Depends:.*libwebkit2gtk-4.1' "$art/control.txt" || fail "the package does not depend on WebKitGTK: $(cat "$art/control.txt")"
grep -q '^Recommends:.*fonts-noto-core' "$art/control.txt" || fail "fonts for Indian scripts are not recommended"

cleanup() { $sudo dpkg -r nextdate >/dev/null 2>&1 || true; }
trap cleanup EXIT
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$(realpath "$deb")" >/dev/null
dpkg -L nextdate > "$art/files.txt"
for f in /usr/bin/nextdate-app /usr/bin/nextdate /usr/share/applications/Nextdate.desktop; do
  grep -qx "$f" "$art/files.txt" || fail "$f is not in the package"
done
grep -q '^/usr/share/icons/hicolor/.*/apps/nextdate-app.png$' "$art/files.txt" || fail "no icons"
grep -qx 'Exec=nextdate-app' /usr/share/applications/Nextdate.desktop || fail "the desktop entry does not start the app"
/usr/bin/nextdate --version | grep -q '^nextdate ' || fail "the installed CLI does not run"

diary="$(mktemp -d)"
export NEXTDATE_DIARY="$diary" ART="$art"
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  set -euo pipefail
  /usr/bin/nextdate-app > "$ART/app.log" 2>&1 &
  pid=$!
  windows() { xdotool search --onlyvisible --name "^Nextdate$" 2>/dev/null | wc -l; }
  # Painted: the window is mapped and the screen shows the setup form (many colours, not a blank frame).
  painted=""
  for _ in $(seq 1 120); do
    if [ "$(windows)" -ge 1 ]; then
      import -window root "$ART/setup.png"
      if [ "$(identify -format %k "$ART/setup.png")" -gt 200 ]; then painted=yes; break; fi
    fi
    kill -0 "$pid" 2>/dev/null || { echo "the app exited: $(cat "$ART/app.log")" >&2; exit 1; }
    sleep 0.5
  done
  [ -n "$painted" ] || { echo "the app did not paint its window" >&2; exit 1; }
  before=$(windows)
  # A second launch hands over to the first and exits without a window of its own.
  timeout 30 /usr/bin/nextdate-app > "$ART/second.log" 2>&1 || { echo "the second launch did not exit by itself" >&2; exit 1; }
  after=$(windows)
  kill -0 "$pid" 2>/dev/null || { echo "the first window went away" >&2; exit 1; }
  kill "$pid"; wait "$pid" 2>/dev/null || true
  [ "$before" -eq 1 ] && [ "$after" -eq 1 ] || { echo "windows: $before before the second launch, $after after" >&2; exit 1; }
'
rm -rf "$diary"

trap - EXIT
$sudo dpkg -r nextdate >/dev/null
for f in /usr/bin/nextdate-app /usr/bin/nextdate /usr/share/applications/Nextdate.desktop; do
  [ ! -e "$f" ] || fail "$f is still there after removal"
done
echo "package test: $(basename "$deb") built, installed, launched once, removed" >&2
