#!/usr/bin/env bash
# Makes sure what the test suite needs is here: the wasm32 target, wasm-opt (for the
# release SPA), Chromium and ChromeDriver, and a running PostgreSQL. Installs or starts
# what is missing (Debian, as root or with sudo). With CI=true, anything it cannot
# provide is an error.
set -euo pipefail

say() { printf '[prepare] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# `cargo xtask build-spa --release` (and so `cargo xtask demo`) runs wasm-opt: Debian's
# binaryen, never a downloaded binary.
if ! command -v wasm-opt >/dev/null; then
  say "installing binaryen (wasm-opt)"
  apt_install binaryen
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing chromium and chromium-driver"
  apt_install chromium chromium-driver
fi

pg_url="${GUICHET_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_ready() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_ready; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    say "installing PostgreSQL"
    apt_install postgresql
  fi
  say "starting PostgreSQL"
  for version in $(ls /etc/postgresql); do
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
fi
if ! pg_ready; then
  say "PostgreSQL is not reachable at 127.0.0.1:5432"
  exit 1
fi
# Tests connect as the user in GUICHET_TEST_PG_URL; a fresh Debian cluster needs trust
# for local TCP, which the project's machines already have.
if command -v psql >/dev/null && ! psql "$pg_url" -Atc 'select 1' >/dev/null 2>&1; then
  say "cannot connect to $pg_url: allow it (trust or password in the URL) and retry"
  exit 1
fi
say "ready"
