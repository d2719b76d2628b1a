#!/usr/bin/env bash
# Installs the Debian packages Centralita and its tests use, only those missing; starts Redis and PostgreSQL if
# they are down and creates the PostgreSQL test database.
# Idempotent: on a machine that has everything it does nothing but check.
set -euo pipefail

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need ffmpeg ffmpeg
need redis-server redis-server
need espeak-ng espeak-ng
need sox sox
need chromium chromium          # browser tests (playwright-core drives Debian's chromium, never a downloaded one)
need pdftoppm poppler-utils     # PDF reports rendered to PNG by the tests
need flite flite                # second speech synthesiser of the AMD corpus
need text2wave festival         # third one
need psql postgresql-client
need pg_dump postgresql-client  # backups of a PostgreSQL call center (pg_dump / pg_restore)
# festival's voices for the AMD corpus (engine/amd-lab/corpus/voices.ts): two English diphone voices, one English
# HTS voice, and the Catalan and Italian voices that read its Spanish (Debian main has no Spanish one).
for voice in festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts festvox-ca-ona-hts festvox-italp16k; do
  dpkg -s "$voice" >/dev/null 2>&1 || missing+=("$voice")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-system-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  echo "install-system-deps: starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# PostgreSQL: the machines run a local server (127.0.0.1:5432, trust auth); start it when it is down.
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  echo "install-system-deps: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -q && break; sleep 0.2; done
fi
if pg_isready -h 127.0.0.1 -q 2>/dev/null; then
  PGDB=${PG_TEST_DATABASE:-centralita_test}
  if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$PGDB'" 2>/dev/null | grep -q 1; then
    echo "install-system-deps: creating PostgreSQL database $PGDB"
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $PGDB" >/dev/null
  fi
else
  echo "install-system-deps: PostgreSQL is not running on 127.0.0.1:5432 (tests that need it will fail)" >&2
fi
