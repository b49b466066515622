#!/usr/bin/env python3
"""html-check.py - checks a page crm wrote with --format html, with a
parser that is not crm's (Python's html.parser).

    html-check.py PAGE [TEXT...]

Checks that PAGE is one well-formed, self-contained page: a doctype, a
charset and a Content-Security-Policy that forbids scripts and loads;
every element closed in order (void elements aside); only the elements a
crm page uses (no script, img, link, iframe, object, embed, base, form,
style outside the head...); no attribute whose name starts with "on", no
style attribute, no attribute that loads (href, src...), no URL in the
style sheet or in an attribute that is not text (title, aria-label); and that each TEXT appears in the text
of the page (entities decoded), so that data shows as data.

Prints "ok" and exits 0, else prints each problem and exits 1.
"""
import html.parser
import re
import sys

VOID = {"meta", "br", "hr", "wbr"}
# What crm's pages are made of; anything else came from the data.
ALLOWED = VOID | {
    "html", "head", "title", "style", "body", "h1", "h2", "h3", "p", "div",
    "section", "ul", "li", "span", "bdi", "figure", "figcaption", "table",
    "thead", "tbody", "tr", "th", "td", "svg", "g", "text", "rect",
}
# SVG elements written as <rect .../>
SELF_CLOSED = {"rect"}
URLISH = re.compile(r"://|url\s*\(|@import|javascript:|data:|\bsrc\s*=|"
                    r"\bhref\s*=", re.I)


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.problems = []
        self.text = []
        self.doctype = None
        self.charset = False
        self.csp = None
        self.styles = 0

    def problem(self, msg):
        line, col = self.getpos()
        self.problems.append("line %d col %d: %s" % (line, col + 1, msg))

    def handle_decl(self, decl):
        self.doctype = decl

    def check_attrs(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problem("event handler attribute %r on <%s>" % (name, tag))
            if name in ("href", "src", "srcset", "action", "style",
                        "xlink:href", "background", "poster"):
                self.problem("attribute %r on <%s>" % (name, tag))
            # title and aria-label are text (a name may say "src=")
            if value and URLISH.search(value) and name not in (
                    "title", "aria-label") and not (
                    tag == "meta" and name == "content"):
                self.problem("URL in attribute %s=%r" % (name, value))

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.problem("element <%s> that crm never writes" % tag)
        if tag == "style" and self.stack[-1:] != ["head"]:
            self.problem("<style> outside the head")
        self.check_attrs(tag, attrs)
        a = dict(attrs)
        if tag == "meta" and a.get("charset", "").lower() == "utf-8":
            self.charset = True
        if tag == "meta" and a.get("http-equiv", "").lower() == \
                "content-security-policy":
            self.csp = a.get("content", "")
        if tag == "style":
            self.styles += 1
        if tag in VOID:
            return
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag not in SELF_CLOSED:
            self.problem("<%s/> written self-closed" % tag)
        if tag not in ALLOWED:
            self.problem("element <%s> that crm never writes" % tag)
        self.check_attrs(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problem("end tag of void element </%s>" % tag)
            return
        if not self.stack or self.stack[-1] != tag:
            self.problem("</%s> closes <%s>" % (tag, self.stack[-1]
                                                if self.stack else "nothing"))
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack[-1:] == ["style"]:
            if URLISH.search(data):
                self.problem("URL in the style sheet")
            return
        self.text.append(data)


def check(path, wanted):
    raw = open(path, "rb").read()
    c = Checker()
    try:
        page = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["not UTF-8: %s" % e]
    if "\x00" in page:
        c.problems.append("a NUL character")
    bad = [ch for ch in page if (ord(ch) < 0x20 and ch not in "\n\t") or
           0x7f <= ord(ch) <= 0x9f]
    if bad:
        c.problems.append("control characters in the page: %r" % bad[:5])
    c.feed(page)
    c.close()
    if c.stack:
        c.problems.append("unclosed elements at the end: %s" % c.stack)
    if (c.doctype or "").lower() != "doctype html":
        c.problems.append("doctype is %r" % c.doctype)
    if not page.startswith("<!DOCTYPE html>"):
        c.problems.append("the page does not start with its doctype")
    if not c.charset:
        c.problems.append("no <meta charset=utf-8>")
    if c.csp is None:
        c.problems.append("no Content-Security-Policy")
    elif "default-src 'none'" not in c.csp or "script-src" in c.csp:
        c.problems.append("the Content-Security-Policy allows too much: %r"
                          % c.csp)
    if c.styles != 1:
        c.problems.append("%d style sheets" % c.styles)
    text = "".join(c.text)
    for w in wanted:
        if w not in text:
            c.problems.append("text %r does not appear in the page" % w)
    return c.problems


def main():
    if len(sys.argv) < 2:
        print("usage: html-check.py PAGE [TEXT...]", file=sys.stderr)
        return 2
    problems = check(sys.argv[1], sys.argv[2:])
    for p in problems:
        print(p)
    if not problems:
        print("ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
