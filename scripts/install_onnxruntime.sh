#!/usr/bin/env bash
# Installs ONNX Runtime for Node (the independent reference runtime the ORT checks use) into
# <repo>/.tinyc-tools/ort. Idempotent: does nothing when that exact version is already there.
# Quiet on success; on failure prints what went wrong and exits non-zero.
set -euo pipefail

readonly ORT_VERSION="1.30.0"
readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly DEST="${REPO_ROOT}/.tinyc-tools/ort"
readonly PACKAGE_JSON="${DEST}/node_modules/onnxruntime-node/package.json"

fail() {
  echo "install_onnxruntime.sh: $*" >&2
  exit 1
}

# Prints the prefix that runs a command as root: nothing when we are root, sudo otherwise.
root_prefix() {
  if [[ "$(id -u)" -eq 0 ]]; then
    return
  fi
  command -v sudo >/dev/null 2>&1 ||
    fail "node and npm are missing; installing them needs root (or sudo, which is missing): apt-get install nodejs npm"
  echo sudo
}

# Runs a command with its output captured; shows the output only if the command fails.
run_quietly() {
  local log
  log="$(mktemp)"
  if ! "$@" >"${log}" 2>&1; then
    cat "${log}" >&2
    rm -f "${log}"
    fail "'$*' failed (output above)"
  fi
  rm -f "${log}"
}

ensure_node_and_npm() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    return
  fi
  command -v apt-get >/dev/null 2>&1 ||
    fail "node and npm are missing and apt-get is not available; install Node.js 18+ and npm"
  local sudo
  sudo="$(root_prefix)"
  run_quietly ${sudo} env DEBIAN_FRONTEND=noninteractive apt-get update
  run_quietly ${sudo} env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    fail "apt-get installed nodejs and npm but node or npm is still not on PATH"
}

installed_version() {
  [[ -f "${PACKAGE_JSON}" ]] || return 0
  node -e 'process.stdout.write(String(require(process.argv[1]).version || ""))' "${PACKAGE_JSON}" 2>/dev/null || true
}

ensure_node_and_npm

if [[ "$(installed_version)" == "${ORT_VERSION}" ]]; then
  exit 0
fi

mkdir -p "${DEST}" || fail "cannot create ${DEST}"
# --ignore-scripts: the package ships its CPU binaries; its install script only fetches GPU extras.
run_quietly npm install --prefix "${DEST}" --ignore-scripts --save-exact --no-audit --no-fund \
  --loglevel=error "onnxruntime-node@${ORT_VERSION}"

[[ "$(installed_version)" == "${ORT_VERSION}" ]] ||
  fail "npm finished but onnxruntime-node ${ORT_VERSION} is not in ${DEST}/node_modules"
# The native binding must load on this machine, not just be present on disk.
(cd "${DEST}" && node -e 'require("onnxruntime-node")') >/dev/null 2>&1 ||
  fail "onnxruntime-node ${ORT_VERSION} is installed in ${DEST} but does not load; check the node version (18+ needed)"
