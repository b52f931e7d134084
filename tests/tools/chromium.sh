#!/bin/sh
# chromium.sh ARGS... — runs Debian's chromium headless and isolated, with
# the given arguments (e.g. --dump-dom URL, --screenshot=FILE URL): a fresh
# profile removed afterwards, no GPU, no sandbox (CI runs as root), no
# first-run, sync, component updates or background networking, no QUIC, and
# every host name resolving to nothing with a dead proxy on loopback, so
# that nothing a page or the browser asks for can leave the machine.
# Chromium's own chatter on stderr (D-Bus, GPU) is dropped unless
# LIKENESS_DEBUG is set.  Exit status: chromium's; 127 when it is missing.
command -v chromium >/dev/null 2>&1 || { echo "chromium.sh: chromium is not installed" >&2; exit 127; }
profile=$(mktemp -d "${TMPDIR:-/tmp}/likeness-chromium.XXXXXX")
if [ -n "${LIKENESS_DEBUG:-}" ]; then err=/dev/stderr; else err=/dev/null; fi
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --no-default-browser-check \
    --host-resolver-rules='MAP * ~NOTFOUND' --proxy-server='http://127.0.0.1:9' \
    --user-data-dir="$profile" "$@" 2>"$err"
rc=$?
rm -rf "$profile"
exit $rc
