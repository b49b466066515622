#!/usr/bin/env python3
"""Real fish completion, as a user at a terminal gets it.

Usage: fish-complete.py BIN COMPLETIONS_DIR LINE...

Runs an interactive fish (no configuration) in a pseudo-terminal with BIN
first on PATH and COMPLETIONS_DIR/crm.fish sourced.  crm is a fish function
there that prints its arguments between markers (the completion script
runs the real binary with `command crm`).  For each LINE it types LINE and
a tab, waits until fish has drawn the answer, then types "X" and Enter, and
prints the arguments crm got, joined by '|'.  So "set|Acme|name=X" means
that the tab completed "name=" and added no space after it, and
"set|Acme|name=|X" that it added one.  "(no answer)" when fish printed no
arguments in time.  Every wait is bounded.
"""
import os
import pty
import select
import sys
import time

QUIET = 0.4      # seconds without output that mean fish is done drawing
LIMIT = 15.0     # seconds any one wait may take


def read_some(fd, until=None, quiet=QUIET):
    """Reads what fish writes: until the bytes `until` appear, or (when
    until is None) until it has been quiet for `quiet` seconds."""
    buf, end, last = b"", time.time() + LIMIT, time.time()
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            buf += data
            last = time.time()
            if until is not None and until in buf:
                break
        elif until is None and time.time() - last >= quiet:
            break
    return buf


def main():
    bindir, comp, lines = sys.argv[1], sys.argv[2], sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["PATH"] = bindir + ":" + os.environ.get("PATH", "")
        os.environ["TERM"] = "xterm"
        os.execvp("fish", ["fish", "--no-config", "-i"])
    # the markers are split in what is typed, so that its echo never
    # looks like an answer
    os.write(fd, ("function fish_prompt; echo '> '; end; "
                  "function crm; echo '[[AR''GS:'(string join '|' -- $argv)"
                  "':END]]'; end; source '%s/crm.fish'; echo RE''ADY\r"
                  % comp).encode())
    read_some(fd, b"READY\r\n")
    read_some(fd)
    for line in lines:
        os.write(fd, (line + "\t").encode())
        read_some(fd)
        os.write(fd, b"X\r")
        out = read_some(fd, b":END]]").decode("utf-8", "replace")
        i = out.rfind("[[ARGS:")
        j = out.find(":END]]", i)
        print(out[i + 7:j] if 0 <= i < j else "(no answer)")
        read_some(fd)
    os.write(fd, b"exit\r")
    read_some(fd, quiet=0.2)
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
