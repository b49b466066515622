#!/usr/bin/env python3
"""Compares the options a command's --help lists with the OPTIONS section
of its man page.  Usage: options-vs-man.py HELP_FILE MAN_FILE GLOBAL_FILE.
Prints one line per difference; exits 1 when there is any."""
import re
import sys


def help_options(path, shorts=None):
    """Long (or one-letter) option names of the 'options:' section; their
    short forms are added to shorts when given."""
    names, inside = set(), False
    for line in open(path, encoding="utf-8"):
        if re.match(r"^\S.*:$", line):
            inside = line.startswith(("options:", "параметры:"))
            continue
        if inside and line.strip() == "":
            inside = False
        m = re.match(r"^\s+(?:-(\w), )?(--[\w-]+|-\w)", line) if inside else None
        if m:
            names.add(m.group(2))
            if m.group(1) and shorts is not None:
                shorts.add("-" + m.group(1))
    return names


def man_options(path):
    """Option names that start a .TP item of the OPTIONS section."""
    names, inside, after_tp = set(), False, False
    for line in open(path, encoding="utf-8"):
        if line.startswith(".SH"):
            inside = line.strip() == ".SH OPTIONS"
            continue
        if not inside:
            continue
        if line.startswith(".TP"):
            after_tp = True
            continue
        if after_tp:
            for opt in re.findall(r"\\-\\-[\w\\-]+|(?<![\w\\])\\-\w\b", line):
                names.add(opt.replace("\\-", "-"))
        after_tp = False
    return names


def main():
    shorts = set()
    help_names = help_options(sys.argv[1], shorts)
    man_names = man_options(sys.argv[2])
    global_names = help_options(sys.argv[3], shorts)
    bad = 0
    for n in sorted(help_names - man_names):
        print(f"--help lists {n} but the man page does not")
        bad = 1
    for n in sorted(man_names - help_names - global_names - shorts - {"--help", "-h"}):
        print(f"the man page lists {n} but --help does not")
        bad = 1
    return bad


sys.exit(main())
