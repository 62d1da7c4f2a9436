#!/usr/bin/env bash
# `npm run test:e2e`: the packaged Shapewise extension in a real VS Code, headless.
#
#  1. `npm run package` (esbuild, then vsce) → shapewise-<version>.vsix
#  2. test/e2e/install.sh: installs what is missing (apt chromium + libkrb5-dev; from npm:
#     Node 24, code-server 4.139.1 = VS Code 1.139.1, playwright-core) into $E2E_CACHE
#  3. a fresh code-server profile: installs the .vsix, opens a copy of test/e2e/workspace/
#  4. test/e2e/driver.cjs drives the workbench in Chromium and checks the inlay hints, the
#     diagnostic (squiggle and Problems panel) and the hover on test/e2e/workspace/model.py;
#     then the server's code cache in the extension's storage folder is checked.
#
# Prints PASS/FAIL lines and closes with 'N passed, N failed'; exits 0 only if all passed.
# Screenshots and logs go to test/e2e/out/ (gitignored).
#
# Environment (optional): E2E_CACHE (default ~/.cache/shapewise-e2e), TIMEOUT_MS per check
# (default 120000), E2E_SKIP_PACKAGE=1 (use the existing .vsix), KEEP_RUN_DIR=1, and the
# versions of install.sh (CODE_SERVER_VERSION, NODE24_VERSION, PLAYWRIGHT_VERSION).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$HERE/out
TIMEOUT_MS=${TIMEOUT_MS:-120000}
cd "$ROOT"
rm -rf "$OUT"; mkdir -p "$OUT"

npass=0; nfail=0
pass() { echo "PASS $*"; npass=$((npass + 1)); }
fail() { echo "FAIL $*"; nfail=$((nfail + 1)); }
finish() { echo "$npass passed, $nfail failed"; [ "$nfail" -eq 0 ] && [ "$npass" -gt 0 ]; exit $?; }
now_ms() { date +%s%3N; }
T_ALL=$(now_ms)

# ---------------------------------------------------------------- 1. package
NAME_VERSION=$(node -p 'const p = require("./package.json"); `${p.name}-${p.version}`')
VSIX=$ROOT/$NAME_VERSION.vsix
if [ "${E2E_SKIP_PACKAGE:-0}" != 1 ]; then
  t=$(now_ms)
  rm -f "$VSIX"
  if npm run package >"$OUT/package.log" 2>&1 && [ -f "$VSIX" ]; then
    pass "npm run package → $(basename "$VSIX") ($(du -k "$VSIX" | cut -f1) KB, $(( ($(now_ms) - t) / 1000 ))s)"
  else
    fail "npm run package"; tail -20 "$OUT/package.log"; finish
  fi
fi
[ -f "$VSIX" ] || { fail "no $VSIX"; finish; }
# The language server must be built and packaged; without it the checks below fail (no hints).
have() { [ -f "$1" ] && echo "exists" || echo "is MISSING"; }
in_vsix="is MISSING"
node "$HERE/vsix-entries.cjs" "$VSIX" 2>/dev/null | grep -x 'extension/dist/server.js' >/dev/null && in_vsix=exists
if [ -f server/src/server.ts ] && [ -f dist/server.js ] && [ "$in_vsix" = exists ]; then
  pass "the language server is built and packaged (extension/dist/server.js)"
else
  fail "the language server is not packaged: server/src/server.ts $(have server/src/server.ts), dist/server.js $(have dist/server.js), extension/dist/server.js in the .vsix $in_vsix; the editor checks below will fail"
fi

# ---------------------------------------------------------------- 2. prerequisites
t=$(now_ms)
if ! bash "$HERE/install.sh"; then fail "e2e prerequisites (test/e2e/install.sh)"; finish; fi
# Sourced again (everything is in place now, so it installs nothing): sets E2E_NODE, E2E_CODE_SERVER,
# E2E_PLAYWRIGHT and E2E_CHROMIUM.
# shellcheck source=install.sh
source "$HERE/install.sh" || { fail "e2e prerequisites (test/e2e/install.sh, second pass)"; finish; }
pass "prerequisites ready ($(( ($(now_ms) - t) / 1000 ))s): node $("$E2E_NODE" --version), code-server $CS_VERSION, $("$E2E_CHROMIUM" --version 2>/dev/null | head -1)"

# ---------------------------------------------------------------- 3. fresh profile and workspace
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/shapewise-e2e.XXXXXX")
UD=$RUN_DIR/user-data; EXT=$RUN_DIR/extensions; WS=$RUN_DIR/workspace
mkdir -p "$UD/User" "$EXT"
cp -r "$HERE/workspace" "$WS"
# Our own config file, so code-server does not write ~/.config/code-server/config.yaml.
printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' >"$RUN_DIR/config.yaml"
cat >"$UD/User/settings.json" <<'JSON'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "editor.inlayHints.enabled": "on",
  "editor.inlayHints.maximumLength": 0,
  "shapewise.trace.server": "messages"
}
JSON

CS=("$E2E_NODE" "$E2E_CODE_SERVER" --config "$RUN_DIR/config.yaml" --user-data-dir "$UD" --extensions-dir "$EXT")
CS_PID=
save_logs() {
  # Keep what is needed to understand a failure in test/e2e/out/.
  cp "$RUN_DIR/code-server.log" "$OUT/" 2>/dev/null
  [ -d "$UD/logs" ] && cp -r "$UD/logs" "$OUT/vscode-logs" 2>/dev/null
}
cleanup() {
  if [ -n "$CS_PID" ]; then kill -- "-$CS_PID" 2>/dev/null || kill "$CS_PID" 2>/dev/null; fi
  save_logs
  if [ "${KEEP_RUN_DIR:-0}" = 1 ]; then echo "run dir kept: $RUN_DIR"; else rm -rf "$RUN_DIR"; fi
}
trap cleanup EXIT

installed=
for attempt in 1 2; do
  out=$("${CS[@]}" --force --install-extension "$VSIX" 2>&1)
  if grep -q "successfully installed" <<<"$out"; then installed=1; break; fi
  echo "  install-extension attempt $attempt: $(tail -3 <<<"$out")"
done
if [ -n "$installed" ]; then pass "code-server --install-extension $(basename "$VSIX")"
else fail "code-server --install-extension $(basename "$VSIX")"; finish; fi

# ---------------------------------------------------------------- start code-server
PORT=$("$E2E_NODE" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
T_START=$(now_ms)
# Its own session and process group, so cleanup ends code-server, the extension host and the
# language server together.
setsid "${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --ignore-last-opened "$WS" >"$RUN_DIR/code-server.log" 2>&1 &
CS_PID=$!
ready=
for _ in $(seq 1 240); do
  if "$E2E_NODE" -e 'require("http").get(process.argv[1], (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1))' \
       "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then ready=1; break; fi
  kill -0 "$CS_PID" 2>/dev/null || break
  sleep 0.25
done
if [ -n "$ready" ]; then pass "code-server listening on 127.0.0.1:$PORT after $(( $(now_ms) - T_START )) ms"
else fail "code-server did not start"; tail -20 "$RUN_DIR/code-server.log"; finish; fi

# ---------------------------------------------------------------- 4. drive the workbench
# Expected values, computed by hand from Keras' rules for test/e2e/workspace/model.py:
#   line 6  Input(shape=(65, 65, 3))                         → (None, 65, 65, 3)
#   line 7  Conv2D(32, 3, strides=2, padding="same")        'same': ceil(65 / 2) = 33 → (None, 33, 33, 32)
#   line 9  MaxPooling2D(2) on 33×33×64 ('valid', stride 2): floor((33 - 2) / 2) + 1 = 16 → (None, 16, 16, 64)
#   line 7  65 is odd, so same-stride-uneven (a warning by default), message with ceil(65 / 2) = 33;
#           the hover on Conv2D (line 7, column 12) shows the same derivation and a PyTorch equivalent.
#   line 8  '# shapewise: ignore[...]': the injected grammar (contributes.grammars) colours the
#           directive keyword unlike the rest of the comment.
CHECKS=$(cat <<'JSON'
{
  "hints": [
    { "line": "inputs = keras.Input(shape=(65, 65, 3))", "text": "→ (None, 65, 65, 3)" },
    { "line": "layers.Conv2D(32, 3, strides=2, padding=\"same\")(inputs)", "text": "→ (None, 33, 33, 32)" },
    { "line": "layers.MaxPooling2D(2)(x)", "text": "→ (None, 16, 16, 64)" }
  ],
  "diagnostic": { "squiggle": "warning", "texts": ["ceil(65 / 2) = 33", "shapewise", "same-stride-uneven"] },
  "hover": { "line": 7, "column": 12, "texts": ["(None, 65, 65, 3) → (None, 33, 33, 32)", "ceil(65 / 2) = 33", "PyTorch"] },
  "grammar": { "line": "# shapewise: ignore[same-asymmetric-padding]", "token": "shapewise" }
}
JSON
)
if grep -q '→' "$WS/model.py"; then fail "the workspace file must not contain '→' (the hints would not prove anything)"; finish; fi
URL="http://127.0.0.1:$PORT/?folder=$("$E2E_NODE" -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$WS")"
drv_out=$(PW_CORE="$E2E_PLAYWRIGHT" CHROMIUM="$E2E_CHROMIUM" CS_URL="$URL" REL_FILE=model.py CHECKS="$CHECKS" \
  OUT_DIR="$OUT" TIMEOUT_MS="$TIMEOUT_MS" T_SERVER_START="$T_START" "$E2E_NODE" "$HERE/driver.cjs" 2>&1)
echo "$drv_out"
npass=$((npass + $(grep -c '^PASS' <<<"$drv_out")))
nfail=$((nfail + $(grep -c -E '^(FAIL|ERROR)' <<<"$drv_out")))
grep -q '^PASS' <<<"$drv_out" || nfail=$((nfail + 1))

# The client hands the server a code cache folder in the extension's storage; the server writes its
# cache there two seconds after its first analysis.
cache=
for _ in $(seq 1 40); do
  cache=$(find "$UD/User/globalStorage" -path '*/code-cache/*' -name 'server-main-*.v8cache' 2>/dev/null | head -1)
  [ -n "$cache" ] && break
  sleep 0.25
done
if [ -n "$cache" ]; then pass "the server wrote its code cache into the extension's storage: ${cache#"$UD"/} ($(du -k "$cache" | cut -f1) KB)"
else fail "no code cache (server-main-*.v8cache) under $UD/User/globalStorage/*/code-cache/"; fi

if [ "$nfail" -gt 0 ]; then
  echo "--- code-server.log (tail)"; tail -15 "$RUN_DIR/code-server.log"
  exthost=$(find "$UD/logs" -name 'remoteexthost.log' 2>/dev/null | head -1)
  [ -n "$exthost" ] && { echo "--- extension host log (tail): $exthost"; tail -30 "$exthost"; }
  # The Shapewise output channel (a log channel: written to a file under the exthost logs).
  find "$UD/logs" -iname '*shapewise*' -type f 2>/dev/null | while read -r f; do
    echo "--- Shapewise output channel (tail): $f"; tail -40 "$f"
  done
  echo "(logs and screenshots are kept in $OUT)"
fi
echo "e2e total $(( ($(now_ms) - T_ALL) / 1000 ))s"
finish
