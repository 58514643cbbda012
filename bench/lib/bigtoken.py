#!/usr/bin/env python3
"""Writes a JWT of about 1 MB with 34,010 claims to stdout, for bench/run.sh's
decode measure (`ssodesk decode -` against bench/lib/decode_baseline.py).

  bigtoken.py [--claims N] > token.txt

The header is RS256 with a kid, the signature 256 zero bytes (decode does not
verify). Besides iss, sub, aud, exp, iat, tenantid and region the payload holds
c00001 ... cNNNNN, alternately short strings and numbers. Same bytes every run.
"""

import argparse
import base64
import json
import sys


def enc(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=34010)
    args = ap.parse_args()
    claims = {"iss": "https://idp.himsa-sso.com", "sub": "5f0c2a9e-1d4b-4c7a-9e21-0a6b1c2d3e01",
              "aud": ["ssodesk-demo"], "exp": 1795000000, "iat": 1794996400,
              "tenantid": "b2a1e7c4-0001-4d2e-8f10-0e0000000001", "region": "eu"}
    for i in range(1, args.claims - len(claims) + 1):
        claims["c%05d" % i] = ("claim-value-%04d" % (i % 10000)) if i % 2 else i * 7
    payload = json.dumps(claims, separators=(",", ":")).encode()
    hdr = json.dumps({"alg": "RS256", "kid": "k1", "typ": "JWT"}, separators=(",", ":")).encode()
    sys.stdout.write(enc(hdr) + "." + enc(payload) + "." + enc(bytes(256)) + "\n")


if __name__ == "__main__":
    main()
