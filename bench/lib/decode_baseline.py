#!/usr/bin/env python3
"""The yardstick of bench/run.sh's decode measure: what `ssodesk decode -`
does, in the fewest lines of Python — read a JWT from stdin, base64url-decode
its header and payload, parse them as JSON, and print the header and one line
per claim (sorted) through Python's buffered stdout."""

import base64
import json
import sys


def dec(s):
    return json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))


def main():
    raw = sys.stdin.read().strip()
    if raw.startswith("Bearer "):
        raw = raw[7:].strip()
    h, p, _ = raw.split(".")
    hdr, claims = dec(h), dec(p)
    out = sys.stdout
    out.write("JWT, %d bytes\nheader   %s\n\nclaims\n" % (len(raw), " · ".join("%s %s" % (k, hdr[k]) for k in ("alg", "kid", "typ") if k in hdr)))
    width = max([8] + [min(len(k), 20) for k in claims])
    for k in sorted(claims):
        out.write("  %-*s %s\n" % (width, k, claims[k]))


if __name__ == "__main__":
    main()
