#!/usr/bin/env bash
# A real LRS for the xAPI sync tests: Ralph (ralph-malph) in a virtual environment, its filesystem backend, on the
# loopback address only.
#
#   scripts/ralph.sh install   the virtual environment under $RALPH_DIR (default target/ralph)
#   scripts/ralph.sh start     install if needed, create the test user, start the server in the background; prints
#                              the lines MORSEL_RALPH_URL=…, MORSEL_RALPH_USER=…, MORSEL_RALPH_PASSWORD=…, RALPH_PID=…
#   scripts/ralph.sh stop      stop the server started by `start` (by the PID it wrote)
#
# RALPH_PORT picks the port (default 8100). Nothing listens on anything but 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

RALPH_DIR=${RALPH_DIR:-$PWD/target/ralph}
RALPH_PORT=${RALPH_PORT:-8100}
VENV=$RALPH_DIR/venv
USER_NAME=morsel-test
USER_PASSWORD=morsel-test-password
export RALPH_APP_DIR=$RALPH_DIR/app
export RALPH_AUTH_FILE=$RALPH_APP_DIR/auth.json
# The server reads its backend from the environment too (the CLI alone is not enough for `auth`).
export RALPH_RUNSERVER_BACKEND=fs

install() {
    if [ -x "$VENV/bin/ralph" ]; then
        return
    fi
    mkdir -p "$RALPH_DIR"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "ralph-malph[cli,lrs]==5.1.0" requests
}

start() {
    install
    mkdir -p "$RALPH_APP_DIR" "$RALPH_DIR/statements"
    if [ ! -s "$RALPH_AUTH_FILE" ]; then
        "$VENV/bin/ralph" auth -u "$USER_NAME" -p "$USER_PASSWORD" -s all -M "mailto:$USER_NAME@example.org" \
            -w >/dev/null
    fi
    # What `ralph runserver -b fs -h 127.0.0.1 -p PORT` does, with one fix. Ralph 5.1.0's filesystem LRS writes each
    # POST with the data backend's default operation, `create`, which refuses once its one statements file exists:
    # every POST after the first fails with a 500 ("Statements bulk indexation failed"; the log says "fs_lrs.jsonl
    # already exists and overwrite is not allowed"). runserver starts uvicorn with reload=True, in a child process
    # that no patch reaches; so uvicorn is started here as runserver starts it (the app `ralph.api:app`, settings
    # from the environment), without the reloader, and with that default set to `append`, which is what a
    # statements log needs. Nothing else changes.
    RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=$RALPH_DIR/statements RALPH_PORT=$RALPH_PORT \
        "$VENV/bin/python" -c '
import os
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend
FSDataBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(os.environ["RALPH_PORT"]), log_level="info")
' >"$RALPH_DIR/server.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$RALPH_DIR/server.pid"
    # Wait (at most 30 s) until the server answers.
    for _ in $(seq 60); do
        if curl -s -o /dev/null "http://127.0.0.1:$RALPH_PORT/__heartbeat__"; then
            echo "MORSEL_RALPH_URL=http://127.0.0.1:$RALPH_PORT/xAPI"
            echo "MORSEL_RALPH_USER=$USER_NAME"
            echo "MORSEL_RALPH_PASSWORD=$USER_PASSWORD"
            echo "RALPH_PID=$pid"
            return
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "ralph.sh: the server stopped at start; its log:" >&2
            cat "$RALPH_DIR/server.log" >&2
            exit 1
        fi
        sleep 0.5
    done
    echo "ralph.sh: the server did not answer on 127.0.0.1:$RALPH_PORT within 30 s; its log:" >&2
    cat "$RALPH_DIR/server.log" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
}

stop() {
    local file=$RALPH_DIR/server.pid
    if [ -f "$file" ]; then
        local pid
        pid=$(cat "$file")
        kill "$pid" 2>/dev/null || true
        # uvicorn exits within a few seconds of SIGTERM.
        for _ in $(seq 20); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        rm -f "$file"
    fi
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    *)
        echo "usage: scripts/ralph.sh install|start|stop" >&2
        exit 2
        ;;
esac
