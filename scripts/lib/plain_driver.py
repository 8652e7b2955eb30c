"""Driving `morsel ... --plain` from Python: one process fed a line after each prompt, and reading what its output
showed. Shared by scripts/soak.sh (kills at random moments) and scripts/concurrency.sh (many processes on one
database at once)."""

import os
import re
import select
import signal
import subprocess
import time

PLACE = re.compile(r"^.*, lesson (\d+) of \d+: .*\. Bite (\d+) of \d+\.$")
# What each verdict line records in `answers`: (correct, skipped).
VERDICTS = {"Right.": ("1", "0"), "Not quite.": ("0", "0"), "Skipped.": ("0", "1")}
QUESTION = ("Type the number of your choice.", "Type the numbers of your choices", "Type true or false.",
            "Type your answer.", "Put these in order")
WORDS = ["main", "git add", "HEAD", "yes", "commit", "*", "\\d+", "no idea", "rebase", "a.*b"]


class Run:
    """One morsel process, fed a line at a time after each prompt."""

    def __init__(self, args, env):
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env)
        self.out = b""
        self.sent = []

    def read_until_prompt(self, timeout=20.0):
        """Output up to the next prompt; None when the process ended first."""
        fd = self.proc.stdout.fileno()
        start = len(self.out)
        deadline = time.time() + timeout
        while True:
            text = self.out[start:]
            if text.endswith(b"\n> ") or text == b"> " or (text.endswith(b"> ") and b"\n" not in text):
                return text.decode("utf-8", "replace")
            left = deadline - time.time()
            if left <= 0:
                raise RuntimeError("no prompt within %.0f s" % timeout)
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self.out += chunk

    def send(self, line):
        self.sent.append(line)
        try:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass

    def finish(self, timeout=30.0):
        """Closes stdin, waits for the exit, and returns stderr."""
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except BrokenPipeError:
            out, err = self.proc.communicate(timeout=timeout)
        self.out += out
        return err.decode("utf-8", "replace")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.out += self.proc.stdout.read()
        return self.proc.stderr.read().decode("utf-8", "replace")

    def text(self):
        return self.out.decode("utf-8", "replace")


def output_lines(text):
    """Lines of output, without the prompts ("> ") that start them."""
    return [re.sub(r"^(> )+", "", l) for l in text.splitlines()]


def recorded_verdicts(text):
    """The verdicts the output gave as answers were recorded; not those shown again after a pause."""
    verdicts, again = [], False
    for raw in text.splitlines():
        if raw.startswith("> "):
            again = False
        line = re.sub(r"^(> )+", "", raw)
        if line == "Resumed.":
            again = True
        elif line in VERDICTS and not again:
            verdicts.append(VERDICTS[line])
    return verdicts


def places(text):
    """Every place (lesson, bite) the output showed, in order."""
    return [(int(m.group(1)), int(m.group(2))) for m in map(PLACE.match, output_lines(text)) if m]


def choose(rng, response, state):
    """The next line to type, from what the last response showed; `state` carries the open question."""
    lines = output_lines(response)
    if any(l.startswith(("Right.", "Not quite.", "Skipped.", "Card:", "(next: ")) or PLACE.match(l) for l in lines):
        state["question"] = None
    if any(l.startswith(QUESTION) for l in lines):
        state["question"] = lines
    r = rng.random()
    if state["question"]:
        lines = state["question"]
        numbered = [l for l in lines if re.match(r"^\d+\. ", l)]
        if r < 0.08:
            return ":skip"
        if r < 0.12:
            return rng.choice([":hint", ":back", ":pause", ":help"])
        if any(l.startswith("Type true or false.") for l in lines):
            return rng.choice(["true", "false"])
        if any(l.startswith("Type your answer.") for l in lines):
            return rng.choice(WORDS)
        n = max(1, len(numbered))
        if any(l.startswith("Put these in order") for l in lines):
            order = list(range(1, n + 1))
            rng.shuffle(order)
            return " ".join(map(str, order))
        if any(l.startswith("Type the numbers of your choices") for l in lines):
            return " ".join(map(str, sorted(rng.sample(range(1, n + 1), rng.randint(1, n)))))
        return str(rng.randint(1, n))
    if any(l.startswith("How well did you remember?") for l in lines):
        return rng.choice(["1", "2", "3", "4", "good", "again"])
    if any(l.startswith("Type quit to leave.") for l in lines):
        return rng.choice(["quit", "back", "next"])
    if any(l.startswith("Type retry") for l in lines) and r < 0.3:
        return "retry"
    if r < 0.06:
        return "back"
    if r < 0.08:
        return rng.choice(["help", "pause", "hint", "bogus"])
    return "next"
