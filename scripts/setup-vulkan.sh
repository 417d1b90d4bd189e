#!/usr/bin/env bash
# Sets up a software Vulkan driver for the WebGPU backend (Dawn on Vulkan) without touching the system's
# mesa packages:
#   1. lavapipe: `apt-get download mesa-vulkan-drivers` from bookworm-backports through a private apt
#      source list (the system's own sources are neither read nor changed), `dpkg -x`, keep only
#      libvulkan_lvp.so, write an ICD json pointing at it;
#   2. fallback: SwiftShader from Debian's chromium (/usr/lib/chromium/vk_swiftshader_icd.json if chromium
#      is installed, else the chromium .deb is downloaded and only libvk_swiftshader.so is kept).
# Needs the stock Vulkan loader (libvulkan1; installed with --no-install-recommends if missing, so apt
# does not pull in or upgrade the system mesa-vulkan-drivers).
#
# Writes $VULKAN_DIR/env.sh (default build/vulkan/env.sh) and prints its line:
#     export VK_ICD_FILENAMES=/abs/path/icd.json
# Usage:  bash scripts/setup-vulkan.sh && source build/vulkan/env.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${VULKAN_DIR:-$ROOT/build/vulkan}"
ARCH_TRIPLET="$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)"
ARCH_TRIPLET="${ARCH_TRIPLET/-pc-/-}"
mkdir -p "$DIR"
log() { echo "setup-vulkan: $*" >&2; }
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

# The Vulkan loader itself.
if ! ldconfig -p | grep -q 'libvulkan.so.1 '; then
  log "installing libvulkan1 (loader only, --no-install-recommends)"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends libvulkan1 >/dev/null
fi

# A driver is usable when Dawn finds a Vulkan adapter through it (checked only once node_modules exists).
check_icd() {
  local icd="$1"
  if [ ! -f "$ROOT/node_modules/webgpu/index.js" ]; then return 0; fi
  (cd "$ROOT" && VK_ICD_FILENAMES="$icd" VK_DRIVER_FILES="$icd" node --input-type=module -e "
    import { create } from 'webgpu';
    const a = await create(['backend=vulkan']).requestAdapter();
    if (!a) { console.error('no adapter'); process.exit(1); }
    console.error('setup-vulkan: adapter: ' + [a.info.vendor, a.info.architecture, a.info.device, a.info.description].filter(Boolean).join(' / '));
    process.exit(0);" )
}

write_env() {
  local icd="$1"
  printf 'export VK_ICD_FILENAMES=%s\nexport VK_DRIVER_FILES=%s\n' "$icd" "$icd" >"$DIR/env.sh"
  head -1 "$DIR/env.sh"
}

# Private apt state: only our sources list, our lists and cache dirs.
APT_DIR="$DIR/apt"
apt_private() {
  apt-get -o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$APT_DIR/sources.list.d" \
    -o Dir::State::Lists="$APT_DIR/lists" -o Dir::Cache="$APT_DIR/cache" -o Debug::NoLocking=1 \
    -o APT::Sandbox::User=root "$@"
}
# The Debian mirror apt already uses (deb822 "URIs:" or one-line "deb URI suite").
mirror() {
  local m
  m="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)"
  [ -n "$m" ] || m="$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)"
  echo "${m:-http://deb.debian.org/debian}"
}
# Fetches the .deb of $1 (a "pkg/suite" apt spec) from suite $2 into $APT_DIR; prints its path.
fetch_deb() {
  local spec="$1" suite="$2"
  rm -rf "$APT_DIR/sources.list.d" && mkdir -p "$APT_DIR/sources.list.d" "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/debs"
  cat >"$APT_DIR/sources.list.d/private.sources" <<EOF
Types: deb
URIs: $(mirror)
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt_private update -qq >&2
  rm -f "$APT_DIR/debs/"*.deb
  (cd "$APT_DIR/debs" && apt_private download -qq "$spec" >&2)
  ls "$APT_DIR/debs/"*.deb | head -1
}

# Any libraries a driver needs that are missing: install those packages (only ones not installed at all,
# so nothing already on the system is upgraded).
install_missing_deps() {
  local lib="$1" deb="$2"
  if ! ldd "$lib" | grep -q 'not found'; then return 0; fi
  log "missing libraries: $(ldd "$lib" | grep 'not found' | awk '{print $1}' | tr '\n' ' ')"
  local pkgs=()
  for p in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/\(.*\)//; s/\|.*//; s/ //g'); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || pkgs+=("$p")
  done
  if [ ${#pkgs[@]} -gt 0 ]; then
    log "installing ${pkgs[*]} (--no-install-recommends)"
    $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  fi
  ! ldd "$lib" | grep -q 'not found'
}

setup_lavapipe() {
  local lib="$DIR/lavapipe/libvulkan_lvp.so" icd="$DIR/lavapipe/lvp_icd.json"
  if [ ! -f "$lib" ]; then
    log "downloading mesa-vulkan-drivers from bookworm-backports (private apt source list)"
    local deb x
    deb="$(fetch_deb mesa-vulkan-drivers/bookworm-backports bookworm-backports)"
    x="$(mktemp -d)"
    dpkg -x "$deb" "$x"
    mkdir -p "$DIR/lavapipe"
    cp "$(find "$x" -name libvulkan_lvp.so | head -1)" "$lib.tmp"
    install_missing_deps "$lib.tmp" "$deb" || { rm -rf "$x" "$lib.tmp"; return 1; }
    mv "$lib.tmp" "$lib"
    echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >"$DIR/lavapipe/VERSION"
    rm -rf "$x" "$deb"
  fi
  printf '{\n  "file_format_version": "1.0.0",\n  "ICD": { "library_path": "%s", "api_version": "1.3.0" }\n}\n' "$lib" >"$icd"
  log "lavapipe: $(cat "$DIR/lavapipe/VERSION")"
  check_icd "$icd" && write_env "$icd"
}

setup_swiftshader() {
  local sys=/usr/lib/chromium/vk_swiftshader_icd.json
  if [ -f "$sys" ]; then
    log "using SwiftShader from the installed chromium"
    check_icd "$sys" && write_env "$sys"
    return
  fi
  local lib="$DIR/swiftshader/libvk_swiftshader.so" icd="$DIR/swiftshader/vk_swiftshader_icd.json"
  if [ ! -f "$lib" ]; then
    log "downloading chromium to extract SwiftShader"
    local codename deb x
    codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
    deb="$(fetch_deb chromium "$codename $codename-security $codename-updates")"
    x="$(mktemp -d)"
    dpkg -x "$deb" "$x"
    mkdir -p "$DIR/swiftshader"
    cp "$x/usr/lib/chromium/libvk_swiftshader.so" "$lib"
    rm -rf "$x" "$deb"
  fi
  printf '{\n  "file_format_version": "1.0.0",\n  "ICD": { "library_path": "%s", "api_version": "1.0.5" }\n}\n' "$lib" >"$icd"
  check_icd "$icd" && write_env "$icd"
}

if setup_lavapipe; then exit 0; fi
log "lavapipe failed; falling back to SwiftShader"
setup_swiftshader
