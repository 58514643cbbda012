#!/usr/bin/env python3
"""The request timeline of one command over bench/latencyproxy (issue 26).

  timeline.py --log PROXYLOG --rtt MS --label NAME [--out FILE] -- COMMAND...

Runs COMMAND once (environment as given: $BROWSER, SSL_CERT_FILE), then
prints what the proxy logged while it ran, each line at its time since
COMMAND started (ms, and in round trips), with who made it: "client" or
"browser" (a connection on which the login page or the IdP's callback was
requested is the browser's; everything else is the client's). A request's
time is when the proxy read it (half a round trip after the client sent it)
and its response when the proxy wrote it (the client has it half a round
trip later). With --pty-start-on, COMMAND is a TUI on a pty: Enter is
pressed --settle s after that text is shown, and the run ends when --until
is shown (the time of Enter is not marked: read it off the gap). Then the phases: start → the browser's first connection
(the browser asked to open), browser → the IdP's redirect to the app
(/authorize/callback answered), → the command's exit; and per phase the
client's new connections (each pays TCP + TLS: two round trips) and
requests, and whether they overlapped the browser.
"""

import argparse
import os
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--rtt", type=float, required=True, help="ms")
    ap.add_argument("--label", required=True)
    ap.add_argument("--out")
    ap.add_argument("--pty-start-on", help="run COMMAND on a pty (timing.py's run_pty): once this text is shown, wait --settle s, press Enter")
    ap.add_argument("--settle", type=float, default=0.0)
    ap.add_argument("--until", help="with --pty-start-on: the run ends when this text is shown")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    off = os.path.getsize(a.log)
    t0 = time.time() * 1000
    if a.pty_start_on:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import timing
        try:
            timing.run_pty(cmd, until=a.until, start_on=a.pty_start_on, settle=a.settle, keys="\\r", timeout=20)
            rc = 0
        except timing.Failed as e:
            sys.stderr.write(str(e) + "\n")
            rc = 1
        p = subprocess.CompletedProcess(cmd, rc, b"", b"")
    else:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = time.time() * 1000
    time.sleep(0.3 + a.rtt / 1000)  # the last closes
    with open(a.log) as f:
        f.seek(off)
        lines = [l.split() for l in f if l.strip()]
    ev = []  # the proxy's events, then the command's exit
    for l in lines:
        t = float(l[0])
        kind = l[1]
        kv = {x.split("=", 1)[0]: x.split("=", 1)[1] for x in l[2:] if "=" in x}
        rest = [x for x in l[2:] if "=" not in x]
        ev.append(dict(t=t - t0, kind=kind, conn=kv.get("conn", "?"), port=kv.get("port", ""), rest=rest, kv=kv))
    browser_conns = set()
    for e in ev:
        if e["kind"] == "req" and len(e["rest"]) >= 3 and e["rest"][2] in ("/login", "/authorize/callback"):
            browser_conns.add(e["conn"])
    who = lambda e: "browser" if e["conn"] in browser_conns else "client"
    rtt = a.rtt or 1
    ev.append(dict(t=t1 - t0, kind="exit", conn="", port="", rest=[], kv={}))
    ev.sort(key=lambda e: e["t"])
    out = ["# %s at %g ms round trip: %s (exit %d, %.0f ms)" % (a.label, a.rtt, " ".join([os.path.basename(cmd[0])] + cmd[1:])[:240], p.returncode, t1 - t0)]
    out.append("%9s %6s  %-7s %-5s %-6s %s" % ("ms", "RTTs", "who", "conn", "port", "event"))
    for e in ev:
        if e["kind"] == "proxy":
            continue
        if e["kind"] == "exit":
            out.append("%9.1f %6.2f  %-7s %-5s %-6s exit" % (e["t"], e["t"] / rtt, "client", "", ""))
            continue
        if e["kind"] in ("accept", "close"):
            desc = e["kind"] + (" (TCP + TLS: 2 round trips before its first request)" if e["kind"] == "accept" else "")
        elif e["kind"] == "req":
            desc = "→ " + " ".join(e["rest"][:3]) + (" [first on conn, resumed=%s]" % e["kv"].get("tls-resumed") if "first" in e["rest"] else "")
        else:
            desc = "← %s %s %s" % (e["rest"][0], e["rest"][1], e["kv"].get("status", ""))
        out.append("%9.1f %6.2f  %-7s %-5s %-6s %s" % (e["t"], e["t"] / rtt, who(e), e["conn"], e["port"], desc))
    b0 = min([e["t"] for e in ev if e["kind"] == "accept" and who(e) == "browser"], default=None)
    cb = [e["t"] for e in ev if e["kind"] == "resp" and e["rest"][1:2] == ["/authorize/callback"]]
    b1 = cb[-1] + a.rtt / 2 if cb else None  # the browser has the redirect half a round trip later
    phases = [("start → browser's first connection", 0, b0), ("browser → redirect to the app", b0, b1), ("redirect → exit", b1, t1 - t0)]
    out.append("")
    out.append("phases (client's connections and requests in each; a request is in the phase its response was written in):")
    for name, s, e_ in phases:
        if s is None or e_ is None:
            out.append("  %-36s (not seen)" % name)
            continue
        conns = [e for e in ev if e["kind"] == "accept" and who(e) == "client" and s <= e["t"] < e_]
        reqs = [e for e in ev if e["kind"] == "resp" and who(e) == "client" and s <= e["t"] < e_]
        out.append("  %-36s %7.1f ms = %5.2f RTTs; client: %d new connection(s), %d request(s)%s" % (
            name, e_ - s, (e_ - s) / rtt, len(conns), len(reqs),
            (": " + ", ".join("%s %s" % (r["rest"][0], r["rest"][1]) for r in reqs)) if reqs else ""))
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode(errors="replace")[-600:])
    return p.returncode


if __name__ == "__main__":
    sys.exit(main())
