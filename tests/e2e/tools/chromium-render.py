#!/usr/bin/env python3
"""chromium-render.py - opens a local HTML page in headless Chromium, as
a person would in a browser, and checks that it rendered.

    chromium-render.py PAGE DIR [TEXT...]

Runs Chromium twice, each bounded by a timeout, with its profile in DIR
and nothing from the network (the page is a file:// URL):

1. a screenshot at 1200x900 into DIR/shot.png, with Chromium's log on
   stderr: the PNG must exist, decode, and not be one uniform colour;
   the log must hold no console message (a script error, a refused
   load, a violation of the page's Content-Security-Policy);
2. --dump-dom into DIR/dom.html: each TEXT must appear in the page's
   text as the browser parsed it, and the DOM must hold no <script>.

Prints what it found ("ok: ..." lines, or problems) and exits 0 when
every check passed, 1 when one failed, 77 when Chromium is not installed
(a test skips then).  $CHROMIUM names the binary (default
/usr/bin/chromium); $CHROMIUM_TIMEOUT the seconds each run may take (60).
"""
import html.parser
import os
import struct
import subprocess
import sys
import zlib

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TIMEOUT = int(os.environ.get("CHROMIUM_TIMEOUT", "60"))


def chromium(profile, page, *args):
    """Runs Chromium on page with args; returns (status, stdout, stderr)."""
    cmd = ["timeout", "-k", "5", str(TIMEOUT), CHROMIUM, "--headless=new",
           "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile,
           "--no-first-run", "--no-default-browser-check",
           "--disable-extensions", "--disable-background-networking",
           "--disable-component-update", "--disable-sync",
           "--window-size=1200,900"] + list(args) + ["file://" + page]
    env = dict(os.environ, HOME=profile)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def png_rows(data):
    """The size of the PNG data and a generator of its unfiltered rows
    (8-bit greyscale, RGB or RGBA, not interlaced)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, [], None
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    if hdr is None:
        raise ValueError("no IHDR")
    w, h, depth, ctype, _, _, interlace = hdr
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or bpp is None or interlace:
        raise ValueError("PNG kind not handled: depth %d type %d" %
                         (depth, ctype))
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp

    def rows():
        prev = bytearray(stride)
        for y in range(h):
            f = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                if f == 1:
                    line[i] = (line[i] + a) & 255
                elif f == 2:
                    line[i] = (line[i] + prev[i]) & 255
                elif f == 3:
                    line[i] = (line[i] + ((a + prev[i]) >> 1)) & 255
                elif f == 4:
                    c = prev[i - bpp] if i >= bpp else 0
                    line[i] = (line[i] + paeth(a, prev[i], c)) & 255
            yield line
            prev = line
    return w, h, bpp, rows()


def first_difference(path):
    """(width, height, row of the first pixel that differs from the top
    left one, or None when the image is one colour)."""
    w, h, bpp, rows = png_rows(open(path, "rb").read())
    first = None
    for y, line in enumerate(rows):
        if first is None:
            first = bytes(line[:bpp])
        if line != first * w:
            return w, h, y
    return w, h, None


class DomText(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.scripts, self.skip = [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag == "style":
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "style":
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


def console_lines(log):
    """Chromium's log lines that report what the page's console got."""
    return [l for l in log.splitlines()
            if "CONSOLE" in l or "Content Security Policy" in l or
            "Refused to" in l]


def main():
    if len(sys.argv) < 3:
        print("usage: chromium-render.py PAGE DIR [TEXT...]", file=sys.stderr)
        return 2
    page, out, wanted = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3:]
    if not os.access(CHROMIUM, os.X_OK):
        print("chromium is not installed (%s)" % CHROMIUM)
        return 77
    os.makedirs(out, exist_ok=True)
    problems = []
    shot = os.path.join(out, "shot.png")
    rc, _, log = chromium(os.path.join(out, "profile"), page,
                          "--screenshot=" + shot, "--enable-logging=stderr",
                          "--v=0")
    if rc != 0:
        problems.append("chromium --screenshot exited %d" % rc)
    for l in console_lines(log):
        problems.append("console: " + l)
    if not os.path.exists(shot) or os.path.getsize(shot) == 0:
        problems.append("no screenshot")
    else:
        try:
            w, h, y = first_difference(shot)
            if (w, h) != (1200, 900):
                problems.append("the screenshot is %dx%d" % (w, h))
            if y is None:
                problems.append("the screenshot is one uniform colour")
            else:
                print("ok: screenshot %dx%d, not blank (row %d differs)" %
                      (w, h, y))
        except (ValueError, zlib.error, struct.error) as e:
            problems.append("the screenshot does not decode: %s" % e)
    rc, dom, log = chromium(os.path.join(out, "profile"), page, "--dump-dom")
    if rc != 0:
        problems.append("chromium --dump-dom exited %d" % rc)
    open(os.path.join(out, "dom.html"), "wb").write(dom)
    d = DomText()
    d.feed(dom.decode("utf-8", "replace"))
    text = "".join(d.text)
    if d.scripts:
        problems.append("the DOM holds %d <script> elements" % d.scripts)
    missing = [t for t in wanted if t not in text]
    for t in missing:
        problems.append("the DOM's text lacks %r" % t)
    if wanted and not missing:
        print("ok: the DOM's text holds all %d texts" % len(wanted))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
