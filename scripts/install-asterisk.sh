#!/usr/bin/env bash
# Puts the real Asterisk 22.10.1 test bundle where the tests look for it (.cache/asterisk22/) and makes sure it
# runs on this machine: the first start installs any missing Debian runtime library (start-asterisk.sh does it
# with apt-get, only when ldd says one is missing). Idempotent: a second run only checks.
#
# The bundle comes from $ASTERISK_BUNDLE_DIR, else ../shared/asterisk22/bin beside the checkout, else
# /work/shared/asterisk22/bin.
set -euo pipefail
cd "$(dirname "$0")/.."

dest=.cache/asterisk22
src=""
for d in "${ASTERISK_BUNDLE_DIR:-}" ../shared/asterisk22/bin /work/shared/asterisk22/bin; do
  if [ -n "$d" ] && [ -f "$d/start-asterisk.sh" ] && compgen -G "$d/asterisk-*.tar.xz" >/dev/null; then src=$d; break; fi
done
if [ -z "$src" ]; then
  if [ -f "$dest/start-asterisk.sh" ]; then echo "install-asterisk: bundle source not found; keeping $dest"; exit 0; fi
  echo "install-asterisk: the Asterisk 22 bundle was not found (set ASTERISK_BUNDLE_DIR)" >&2
  exit 1
fi

mkdir -p "$dest"
for f in "$src"/start-asterisk.sh "$src"/asterisk-*.tar.xz; do
  b=$(basename "$f")
  if ! cmp -s "$f" "$dest/$b"; then cp -f "$f" "$dest/$b"; fi
done
chmod +x "$dest/start-asterisk.sh"

# One boot on a free port proves the binaries load (and installs missing libraries once).
stamp=$(stat -c '%s %Y' "$dest"/asterisk-*.tar.xz)
if [ "$(cat "$dest/.verified" 2>/dev/null)" != "$stamp" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  probe="$dest/probe"
  if "$dest/start-asterisk.sh" "$probe" --http-port "$port" --rtp-ports 19900-19999 >/dev/null; then
    "$dest/start-asterisk.sh" "$probe" --stop >/dev/null 2>&1 || true
    rm -rf "$probe"
    echo "$stamp" > "$dest/.verified"
    echo "install-asterisk: Asterisk 22.10.1 bundle ready in $dest"
  else
    echo "install-asterisk: the bundle did not start (see $probe/var/log/asterisk/messages.log)" >&2
    exit 1
  fi
fi
