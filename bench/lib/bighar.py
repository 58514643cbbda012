#!/usr/bin/env python3
"""bighar.py — a large HAR for bench/run.sh's `har` measure: one login (the
entries of cli/testdata/himsa-spa-login.har) among --entries - 7 entries of
noise (static assets with --body bytes of text each), written to stdout."""
import argparse, json, sys

ap = argparse.ArgumentParser()
ap.add_argument("--login", required=True)
ap.add_argument("--entries", type=int, default=20000)
ap.add_argument("--body", type=int, default=10000)
a = ap.parse_args()
login = json.load(open(a.login))["log"]["entries"]
out = sys.stdout
out.write('{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[],"entries":[\n')
text = ("x" * 99 + "\n") * (a.body // 100)
noise = a.entries - len(login)
half = noise // 2
first = True
def put(e):
    global first
    if not first:
        out.write(",\n")
    first = False
    out.write(json.dumps(e))
def asset(i):
    return {"startedDateTime": "2026-12-07T09:%02d:%02d.%03dZ" % ((i // 1000) % 60, (i // 17) % 60, i % 1000), "time": 12,
            "request": {"method": "GET", "url": "https://cdn.acme.example/assets/%d.js" % i, "httpVersion": "HTTP/2",
                        "headers": [{"name": "Accept", "value": "*/*"}], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": 200, "statusText": "", "httpVersion": "HTTP/2", "headers": [{"name": "Content-Type", "value": "text/javascript"}],
                         "cookies": [], "content": {"size": len(text), "mimeType": "text/javascript", "text": text}, "redirectURL": "",
                         "headersSize": -1, "bodySize": len(text)},
            "cache": {}, "timings": {"send": 1, "wait": 10, "receive": 1}, "_resourceType": "script"}
for i in range(half):
    put(asset(i))
for e in login:
    put(e)
for i in range(half, noise):
    put(asset(i))
out.write("\n]}}\n")
