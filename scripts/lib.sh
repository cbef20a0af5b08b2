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
