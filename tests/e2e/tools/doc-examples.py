#!/usr/bin/env python3
"""Prints the shell examples of the README and the man pages, as bash
would be given them: one example a record, records separated by NUL, each
'FILE<TAB>COMMAND'.  Usage: doc-examples.py README.md man/*.1 ...

README: the lines of ```sh blocks that start with 'crm ' (a trailing
'  # comment' is dropped).  Man pages: the lines of .EX/.EE blocks that
start with '$ ' and run crm, with their continuation lines, troff escapes
undone."""
import re
import sys


def untroff(s):
    s = re.sub(r"\\\[u([0-9A-Fa-f]{4})\]", lambda m: chr(int(m.group(1), 16)), s)
    s = s.replace("\\(aq", "'").replace("\\(dq", '"').replace("\\-", "-")
    s = s.replace("\\&", "").replace("\\e", "\\")
    return re.sub(r"\\f[BIRP]", "", s)


def readme_examples(path):
    out, inside = [], False
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("```"):
            inside = line.strip() == "```sh"
            continue
        if inside and line.startswith("crm "):
            out.append(re.sub(r"\s+#\s.*$", "", line))
    return out


def man_examples(path):
    out, inside, cur = [], False, None
    for line in open(path, encoding="utf-8"):
        line = untroff(line.rstrip("\n"))
        if line.startswith(".EX"):
            inside = True
            continue
        if line.startswith(".EE"):
            inside = False
            continue
        if not inside:
            continue
        if cur is not None:
            cur += "\n" + line
        elif line.startswith("$ ") and re.search(r"(^|\s)crm(\s|$)", line):
            cur = line[2:]
        if cur is not None and not cur.endswith("\\"):
            out.append(cur)
            cur = None
    return out


for path in sys.argv[1:]:
    get = readme_examples if path.endswith(".md") else man_examples
    for ex in get(path):
        sys.stdout.write(f"{path.rsplit('/', 1)[-1]}\t{ex}\0")
