# Sourced by the scripts that run `cita serve` (bench/workbench.sh,
# bench/schemathesis.sh, bench/load.sh, docs/screenshot.sh): a temporary
# folder $work, removed at exit, and `serve CITA INDEX`, which starts `cita
# serve` on a free loopback port and returns once it answers /healthz there
# ($port); the server ($server) is stopped at exit.
work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

serve() {
  "$1" serve --index "$2" --addr 127.0.0.1:0 2>"$work/serve.log" &
  server=$!
  # The server names its port on stderr once it listens; then /healthz answers.
  for _ in $(seq 300); do
    port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/serve.log" | head -n 1)
    if [ -n "$port" ] && python3 - "$port" <<'PY' 2>/dev/null; then return 0; fi
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=2) as answer:
    sys.exit(answer.status != 200)
PY
    if ! kill -0 "$server" 2>/dev/null; then
      echo "cita serve exited:" >&2
      cat "$work/serve.log" >&2
      exit 2
    fi
    sleep 0.1
  done
  echo "cita serve did not answer /healthz within 30 s:" >&2
  cat "$work/serve.log" >&2
  exit 2
}
