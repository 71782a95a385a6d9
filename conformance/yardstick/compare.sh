#!/usr/bin/env bash
# Compares the conformance suite with Schemathesis on the yardstick's APIs. Not run in CI.
#
# For each API (notes, library), its faultless server and each of its faults, every tool gets a
# fresh server (`cargo xtask yardstick`), so that no tool sees the other's leftovers. Recorded per
# run: whether the tool reported a failure, which checks (ours) or failure codes (Schemathesis)
# it reported, its wall time, and the requests the server received (counted by the server, the
# same way for both tools).
#
# Both tools are told the same: the spec, the base URL and both tenants' credentials. Ours gets
# `--token` and `--other-token`; Schemathesis gets both as Web Fuzzing Commons users declared
# `peers` (what its `object_level_authorization` check needs), and `--checks all` (in 4.x every
# check is on by default; the flag only makes that explicit). Schemathesis keeps no example
# database between runs (`--generation-database none`), so no run replays what another found.
#
# Usage:   conformance/yardstick/compare.sh [notes|library]...   (default: both)
# Needs:   python3; Schemathesis 4.x as `st` on PATH, or ST=/path/to/st
#          (python3 -m venv venv && venv/bin/pip install schemathesis==4.32.5)
# Options: SEED (default 1) seeds both tools; KEEP=dir keeps every log and report there;
#          ONLY="none note-delete-keeps-note" runs only these (`none`: the faultless server).
# Output:  a Markdown table on stdout; progress on stderr.

set -euo pipefail

ST=${ST:-st}
SEED=${SEED:-1}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
XTASK=$TARGET/debug/xtask
WORK=${KEEP:-$(mktemp -d)}
mkdir -p "$WORK"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

command -v "$ST" >/dev/null || { echo "no Schemathesis: set ST=/path/to/st" >&2; exit 2; }
cargo build -q -p xtask --manifest-path "$ROOT/Cargo.toml"

SERVER_PID=
SERVER_LOG=

# start_server API LOG [FAULT]: serves API in the background; sets SERVER_PID and URL.
start_server() {
    local api=$1 log=$2 fault=${3:-}
    SERVER_LOG=$log
    : >"$log"
    if [ -n "$fault" ]; then
        "$XTASK" yardstick --api "$api" --fault "$fault" --port 0 >"$log" 2>&1 &
    else
        "$XTASK" yardstick --api "$api" --port 0 >"$log" 2>&1 &
    fi
    SERVER_PID=$!
    for _ in $(seq 100); do
        URL=$(sed -n 's/^serving the .* API on \(http:[^ ]*\)$/\1/p' "$log")
        [ -n "$URL" ] && return 0
        sleep 0.1
    done
    echo "the $api server did not start: $(cat "$log")" >&2
    exit 2
}

# stop_server: stops the server (Ctrl-C); sets REQUESTS to the requests it received.
stop_server() {
    kill -INT "$SERVER_PID"
    wait "$SERVER_PID" || true
    REQUESTS=$(sed -n 's/^stopped after \([0-9]*\) requests$/\1/p' "$SERVER_LOG")
}

# A line of the server's banner: `first:` and `second:` are credentials as headers, `spec:` the
# spec's path.
banner() { sed -n "s/^  $1 *//p" "$SERVER_LOG"; }

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

# The Schemathesis configuration of API: both credentials as WFC users who are peers.
st_config() {
    local api=$1 first second
    first=$(banner first:)
    second=$(banner second:)
    python3 - "$WORK/auth-$api.json" "$first" "$second" <<'EOF'
import json, sys
path, *headers = sys.argv[1:]
users = []
for name, header in zip(["first", "second"], headers):
    key, value = header.split(": ", 1)
    users.append({"name": name, "fixedHeaders": [{"name": key, "value": value}]})
json.dump({"auth": users}, open(path, "w"))
EOF
    printf '[auth.wfc]\npath = "%s"\npeers = ["first", "second"]\n' "$WORK/auth-$api.json" \
        >"$WORK/st-$api.toml"
}

# A credential header's value without its name or scheme.
token() { banner "$1" | sed -e 's/^[^:]*: //' -e 's/^Bearer //'; }

# run_ours API NAME: our suite against a fresh server; prints `found|checks|seconds|requests`.
run_ours() {
    local api=$1 name=$2 fault=${3:-} start end code=0
    start_server "$api" "$WORK/$api-$name-ours.server" $fault
    start=$(now)
    "$XTASK" conformance --spec "$(banner spec:)" --base-url "$URL" \
        --token "$(token first:)" --other-token "$(token second:)" --seed "$SEED" \
        --json "$WORK/$api-$name-ours.json" >"$WORK/$api-$name-ours.log" 2>&1 || code=$?
    end=$(now)
    stop_server
    [ "$code" -le 1 ] || { echo "our suite could not run: see $WORK/$api-$name-ours.log" >&2; exit 2; }
    local checks
    checks=$(python3 - "$WORK/$api-$name-ours.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
failed = sorted({r["check"] for r in report["results"] if r["verdict"] == "failed"})
print(", ".join(failed))
EOF
)
    echo "$([ "$code" -eq 1 ] && echo yes || echo no)|${checks:-—}|$(elapsed "$start" "$end")|$REQUESTS"
}

# run_st API NAME [FAULT]: Schemathesis against a fresh server; same output as run_ours.
run_st() {
    local api=$1 name=$2 fault=${3:-} start end code=0
    start_server "$api" "$WORK/$api-$name-st.server" $fault
    st_config "$api"
    start=$(now)
    # From the work directory, with no example database: each run starts from nothing, as ours
    # does, and leaves nothing in the repository.
    (cd "$WORK" && "$ST" --config-file "$WORK/st-$api.toml" --no-color run "$(banner spec:)" \
        --url "$URL" --checks all --seed "$SEED" --generation-database none) \
        >"$WORK/$api-$name-st.log" 2>&1 || code=$?
    end=$(now)
    stop_server
    [ "$code" -le 1 ] || { echo "Schemathesis could not run: see $WORK/$api-$name-st.log" >&2; exit 2; }
    local codes
    codes=$(sed -n 's/^ *❌ \([^:]*\): [0-9]*$/\1/p' "$WORK/$api-$name-st.log" |
        sort -u | paste -sd, - | sed 's/,/, /g')
    echo "$([ "$code" -eq 1 ] && echo yes || echo no)|${codes:-—}|$(elapsed "$start" "$end")|$REQUESTS"
}

APIS=("$@")
[ ${#APIS[@]} -gt 0 ] || APIS=(notes library)

echo "| API | fault | ours: failed? | ours: checks | ours: s | ours: requests | Schemathesis: failed? | Schemathesis: failures | Schemathesis: s | Schemathesis: requests |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for api in "${APIS[@]}"; do
    for fault in none $("$XTASK" yardstick --api "$api" --fault list); do
        case " ${ONLY:-$fault} " in *" $fault "*) ;; *) continue ;; esac
        echo "$api: $fault" >&2
        if [ "$fault" = none ]; then
            ours=$(run_ours "$api" none)
            theirs=$(run_st "$api" none)
        else
            ours=$(run_ours "$api" "$fault" "$fault")
            theirs=$(run_st "$api" "$fault" "$fault")
        fi
        echo "| $api | $fault | ${ours//|/ | } | ${theirs//|/ | } |"
    done
done
