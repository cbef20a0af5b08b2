# Shared by scripts/run and scripts/test: installs missing Debian/Ubuntu packages
# and picks a build folder that survives between runs.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/nextdate/target}"

# need_apt PKG...: installs the packages that are not installed yet.
need_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing system packages: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Build tools for the bundled SQLCipher (with vendored OpenSSL) and the keyring.
need_build_deps() {
  need_apt build-essential pkg-config perl make
}

# What the desktop app needs to build and run (WebKitGTK), plus fonts for
# Devanagari and other Indian scripts.
need_app_deps() {
  need_apt libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev \
    fonts-noto-core fonts-noto-ui-core
  command -v node >/dev/null || need_apt nodejs npm
}

# What the end-to-end tests need: a virtual display, the WebKit WebDriver and
# tauri-driver (built once into the cache folder) for the real window,
# poppler's pdftotext/pdfinfo/pdftoppm to read printed hearing lists back, the
# standard age tool to open an automatic backup, and zbarimg to decode the
# recovery sheet's QR codes.
need_e2e_deps() {
  need_apt xvfb xauth webkit2gtk-driver dbus-daemon dbus-bin gnome-keyring imagemagick poppler-utils age zbar-tools xdotool
  local tools="$HOME/.cache/nextdate/tools"
  if [ ! -x "$tools/bin/tauri-driver" ]; then
    cargo install tauri-driver --version 2.1.0 --locked --root "$tools"
  fi
  export TAURI_DRIVER="$tools/bin/tauri-driver"
}

# What the browser tests of clients' status links need: headless Chromium and
# its WebDriver, faketime (to run the relay a few days ahead for an expired
# link), and Noto fonts for Devanagari and Tamil.
need_browser_deps() {
  need_apt chromium chromium-driver faketime fonts-noto-core
}

# PostgreSQL for the relay's PostgreSQL storage tests: each test binary starts
# a throwaway cluster of its own with initdb and pg_ctl (tests/support/postgres.rs),
# on a Unix socket only; the package's own cluster is not used.
need_postgres_deps() {
  need_apt postgresql
}

# Builds the front end into ui/dist (embedded into the app binary).
# Builds ui/dist, unless it is newer than every source of it (as make would):
# a rebuilt dist has new file times, which makes Cargo rebuild the app that
# embeds it (minutes in release).
build_ui() {
  (cd ui && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } &&
    if [ -f dist/index.html ] && [ -z "$(find src public index.html package.json package-lock.json vite.config.* tsconfig*.json svelte.config.* \
      -newer dist/index.html -print -quit 2>/dev/null)" ]; then
      echo "ui/dist is up to date"
    else
      npm run build
    fi)
}
