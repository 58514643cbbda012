#!/usr/bin/env python3
"""Timing helpers for bench/run.sh (see the comment at its top).

  timing.py ab   --name N --rounds R --out DIR --a-label L --a CMD --b-label L --b CMD
                 [--pty --a-until TEXT --b-until TEXT | --stdin FILE --stdout-pipe]
                 [--target "ratio<=1.10" | --target "a_ms<50"]
  timing.py report --out DIR          # the table of every results/*.json in DIR

ab runs A and B alternately (A,B then B,A, ...) for R rounds after two
warm-up rounds, so load from other processes and CPU frequency changes hit
both alike, and reports the median wall time of each and their ratio A/B.
Both are started the same way: fork+exec from this process, no shell, with
stdin/stdout/stderr on /dev/null (stdin from FILE with --stdin, stdout to a pipe
read to its end with --stdout-pipe) — or, with --pty, on a fresh 80x24
pseudo-terminal (TERM=xterm-256color). A command's time runs from just
before the fork to its exit, or with --a-until (pty only) to the moment TEXT
(compared without ANSI escapes and white space) has appeared on the pty, when
A is then killed. A command that fails (exit code != 0, or TEXT not seen in
10 s) makes the measure unmeasured, reported with the reason.

With --pty --a-start-on TEXT, A's clock starts only once TEXT is on the pty
and --a-settle seconds have passed, when --a-keys (default Enter) are typed:
a TUI's action from a key to --a-until (--b-plain runs B without a pty).
With --mark FILE, a round's time ends instead at the moment written (as Unix
seconds, `date +%s.%N`) on FILE's first line by something the command
started — a $BROWSER script: the time until the browser was asked to open;
FILE is removed before each run. --allow-exit 0,1 accepts those exit codes
(and counts each side's non-zero ones in the result as a_exits, b_exits).

Raw times go to DIR/NAME.csv; the summary to DIR/results/NAME.json and one
line on stdout.
"""

import argparse
import fcntl
import json
import os
import pty
import re
import select
import shlex
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time

ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-Z\\-_])")
WS = re.compile(rb"\s+")


class Failed(Exception):
    pass


def run_plain(argv, timeout=60.0, stdin=None, pipe=False, ok=(0,), exits=None, mark=None):
    f = open(stdin, "rb") if stdin else subprocess.DEVNULL
    out = subprocess.PIPE if pipe else subprocess.DEVNULL  # a pipe: what `| less` or `| jq` costs the writer
    if mark:
        try:
            os.remove(mark)
        except FileNotFoundError:
            pass
    w0 = time.time()
    t0 = time.perf_counter()
    try:
        p = subprocess.run(argv, stdin=f, stdout=out, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failed("%s did not exit within %.0fs" % (shlex.join(argv), timeout))
    finally:
        if stdin:
            f.close()
    dt = time.perf_counter() - t0
    if p.returncode not in ok:
        raise Failed("%s exited %d: %s" % (shlex.join(argv), p.returncode, p.stderr.decode(errors="replace").strip()[-400:]))
    if p.returncode != 0 and exits is not None:
        exits[str(p.returncode)] = exits.get(str(p.returncode), 0) + 1
    if mark:
        try:
            with open(mark) as f:
                dt = float(f.readline()) - w0
        except (OSError, ValueError):
            raise Failed("%s wrote no time to %s" % (shlex.join(argv), mark))
    return dt


def _ctty():
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run_pty(argv, until=None, timeout=10.0, start_on=None, settle=0.0, keys=None):
    """Runs argv on a new pty. Returns seconds to exit, or to `until` seen.
    With start_on: once that text is on the pty, waits settle seconds
    (reading on), types keys, and times from then to `until`."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    want = WS.sub(b"", until.encode()) if until else None
    start = WS.sub(b"", start_on.encode()) if start_on else None
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                         start_new_session=True, preexec_fn=_ctty)
    os.close(slave)
    seen, buf = None, b""
    try:
        deadline = t0 + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                break
            r, _, _ = select.select([master], [], [], min(left, 0.5))
            if not r:
                if want is None and p.poll() is not None:
                    break
                continue
            try:
                d = os.read(master, 1 << 16)
            except OSError:  # EIO: the other side is closed
                d = b""
            if not d:
                break
            if start is not None:
                buf += d
                if start in WS.sub(b"", ANSI.sub(b"", buf)):
                    start, buf = None, b""
                    end_settle = time.perf_counter() + settle
                    while time.perf_counter() < end_settle:  # keep reading: the program draws on
                        r, _, _ = select.select([master], [], [], max(end_settle - time.perf_counter(), 0))
                        if r:
                            try:
                                os.read(master, 1 << 16)
                            except OSError:
                                break
                    os.write(master, keys.encode().decode("unicode_escape").encode())
                    t0 = time.perf_counter()
                    deadline = t0 + timeout
                continue
            if want is not None:
                buf += d
                if want in WS.sub(b"", ANSI.sub(b"", buf)):
                    seen = time.perf_counter() - t0
                    break
        if want is not None:
            if seen is None:
                raise Failed("%r did not show %r within %.0fs; it printed: %r" % (shlex.join(argv), until, timeout, ANSI.sub(b"", buf)[-300:]))
            return seen
        try:
            rc = p.wait(timeout=max(deadline - time.perf_counter(), 0.1))
        except subprocess.TimeoutExpired:
            raise Failed("%s did not exit within %.0fs" % (shlex.join(argv), timeout))
        dt = time.perf_counter() - t0
        if rc != 0:
            raise Failed("%s exited %d" % (shlex.join(argv), rc))
        return dt
    finally:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=2)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()
        os.close(master)


def check_target(target, a, b, ratio):
    """'ratio<=1.10' or 'a_ms<50': returns (ok, text)."""
    m = re.fullmatch(r"(ratio|a_ms|b_ms)\s*(<=|<)\s*([0-9.]+)", target)
    if not m:
        raise SystemExit("bad --target %r" % target)
    what, op, lim = m.group(1), m.group(2), float(m.group(3))
    v = {"ratio": ratio, "a_ms": a, "b_ms": b}[what]
    ok = v <= lim if op == "<=" else v < lim
    return ok


def cmd_ab(args):
    os.makedirs(os.path.join(args.out, "results"), exist_ok=True)
    a, b = shlex.split(args.a), shlex.split(args.b)
    if args.pty:
        ra = lambda: run_pty(a, until=args.a_until, start_on=args.a_start_on, settle=args.a_settle, keys=args.a_keys)
        rb = lambda: run_pty(b, until=args.b_until)
        if args.b_plain:
            rb = lambda: run_plain(b)
    else:
        ok = tuple(int(x) for x in args.allow_exit.split(","))
        ea, eb = {}, {}
        ra = lambda: run_plain(a, stdin=args.stdin, pipe=args.stdout_pipe, ok=ok, exits=ea, mark=args.mark)
        rb = lambda: run_plain(b, stdin=args.stdin, pipe=args.stdout_pipe, ok=ok, exits=eb, mark=args.mark)
    result = {"name": args.name, "title": args.title or args.name, "a_label": args.a_label, "b_label": args.b_label,
              "a_cmd": args.a, "b_cmd": args.b, "rounds": args.rounds, "target": args.target or ""}
    ta, tb = [], []
    try:
        for i in range(args.rounds + args.warmup):
            first_a = i % 2 == 0
            for which in ("a", "b") if first_a else ("b", "a"):
                dt = ra() if which == "a" else rb()
                if i >= args.warmup:
                    (ta if which == "a" else tb).append(dt)
    except Failed as e:
        result["error"] = str(e)
    if "error" not in result:
        ma, mb = statistics.median(ta) * 1000, statistics.median(tb) * 1000
        rr = sorted(x / y for x, y in zip(ta, tb))  # each round's own ratio: the spread
        q = lambda v, f: v[int(f * (len(v) - 1))]
        result.update(a_ms=round(ma, 2), b_ms=round(mb, 2), ratio=round(ma / mb, 3),
                      ratio_p25=round(q(rr, 0.25), 3), ratio_p75=round(q(rr, 0.75), 3),
                      a_p25_ms=round(q(sorted(ta), 0.25) * 1000, 2), a_p75_ms=round(q(sorted(ta), 0.75) * 1000, 2),
                      b_p25_ms=round(q(sorted(tb), 0.25) * 1000, 2), b_p75_ms=round(q(sorted(tb), 0.75) * 1000, 2),
                      load=os.getloadavg()[0],
                      a_min_ms=round(min(ta) * 1000, 2), b_min_ms=round(min(tb) * 1000, 2),
                      a_p90_ms=round(sorted(ta)[int(0.9 * (len(ta) - 1))] * 1000, 2),
                      b_p90_ms=round(sorted(tb)[int(0.9 * (len(tb) - 1))] * 1000, 2))
        if not args.pty and args.allow_exit != "0":
            result.update(a_exits=ea, b_exits=eb)
        if args.target:
            result["pass"] = check_target(args.target, ma, mb, ma / mb)
        with open(os.path.join(args.out, args.name + ".csv"), "w") as f:
            f.write("round,%s_ms,%s_ms\n" % (args.a_label, args.b_label))
            for i, (x, y) in enumerate(zip(ta, tb)):
                f.write("%d,%.3f,%.3f\n" % (i + 1, x * 1000, y * 1000))
    with open(os.path.join(args.out, "results", args.name + ".json"), "w") as f:
        json.dump(result, f, indent=2)
    if "error" in result:
        print("%-12s UNMEASURED: %s" % (args.name, result["error"]))
        return 1
    print("%-12s %s %.1f ms (median of %d) vs %s %.1f ms: ratio %.2f (rounds' ratios p25-p75 %.2f-%.2f, load %.2f)" % (
        args.name, args.a_label, result["a_ms"], args.rounds, args.b_label, result["b_ms"], result["ratio"],
        result["ratio_p25"], result["ratio_p75"], result["load"]))
    return 0


def cmd_record(args):
    """Records a single figure measured elsewhere (RSS, go test -bench)."""
    os.makedirs(os.path.join(args.out, "results"), exist_ok=True)
    result = {"name": args.name, "title": args.title or args.name, "value": args.value, "unit": args.unit,
              "target": args.target or "", "detail": args.detail or ""}
    if args.error:
        result["error"] = args.error
    elif args.target:
        m = re.fullmatch(r"(<=|<)\s*([0-9.]+)", args.target)
        if not m:
            raise SystemExit("bad --target %r" % args.target)
        result["pass"] = args.value <= float(m.group(2)) if m.group(1) == "<=" else args.value < float(m.group(2))
    with open(os.path.join(args.out, "results", args.name + ".json"), "w") as f:
        json.dump(result, f, indent=2)
    return 0


def fmt_ms(v):
    return "%.1f ms" % v if v < 1000 else "%.2f s" % (v / 1000)


def cmd_report(args):
    d = os.path.join(args.out, "results")
    order = args.order.split(",") if args.order else None
    rows = []
    for fn in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if fn.endswith(".json"):
            with open(os.path.join(d, fn)) as f:
                rows.append(json.load(f))
    if order:
        rows.sort(key=lambda r: order.index(r["name"]) if r["name"] in order else len(order))
    unmeasured = 0
    lines = [("measure", "figure", "target", "result")]
    for r in rows:
        if "error" in r:
            unmeasured += 1
            lines.append((r["title"], "could not be measured", r.get("target", ""), "UNMEASURED"))
            continue
        if "ratio" in r:
            fig = "%s %s / %s %s = %.2f×" % (r["a_label"], fmt_ms(r["a_ms"]), r["b_label"], fmt_ms(r["b_ms"]), r["ratio"])
            if "ratio_p25" in r:
                fig += " (%.2f–%.2f, load %.1f)" % (r["ratio_p25"], r["ratio_p75"], r.get("load", 0))
        else:
            fig = ("%.1f %s" % (r["value"], r["unit"])) + ((" (" + r["detail"] + ")") if r.get("detail") else "")
        res = "" if "pass" not in r else ("PASS" if r["pass"] else "MISS")
        lines.append((r["title"], fig, r.get("target", ""), res))
    w = [max(len(l[i]) for l in lines) for i in range(4)]
    out = []
    for i, l in enumerate(lines):
        out.append("  ".join(l[j].ljust(w[j]) for j in range(4)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w[j] for j in range(4)))
    text = "\n".join(out)
    print(text)
    with open(os.path.join(args.out, "table.txt"), "w") as f:
        f.write(text + "\n")
    for r in rows:
        if "error" in r:
            print("UNMEASURED %s: %s" % (r["name"], r["error"]))
    return 1 if unmeasured else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ab")
    p.add_argument("--name", required=True)
    p.add_argument("--title")
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--out", required=True)
    p.add_argument("--a", required=True)
    p.add_argument("--b", required=True)
    p.add_argument("--a-label", default="A")
    p.add_argument("--b-label", default="B")
    p.add_argument("--pty", action="store_true")
    p.add_argument("--a-until")
    p.add_argument("--b-until")
    p.add_argument("--target")
    p.add_argument("--stdin", help="a file both commands read as standard input (not with --pty)")
    p.add_argument("--stdout-pipe", action="store_true", help="standard output to a pipe this process reads (not /dev/null)")
    p.add_argument("--a-start-on", help="with --pty: A's clock starts once this text is on the pty, --a-settle seconds later, when --a-keys are typed")
    p.add_argument("--a-settle", type=float, default=0.0)
    p.add_argument("--a-keys", default="\\r", help="keys typed for --a-start-on (Python escapes; default Enter)")
    p.add_argument("--b-plain", action="store_true", help="with --pty: B runs without a pty, as without --pty")
    p.add_argument("--mark", help="a round ends at the Unix time written on this file's first line (not with --pty)")
    p.add_argument("--allow-exit", default="0", help="exit codes accepted, comma-separated (not with --pty)")
    p = sub.add_parser("record")
    p.add_argument("--name", required=True)
    p.add_argument("--title")
    p.add_argument("--out", required=True)
    p.add_argument("--value", type=float, default=0)
    p.add_argument("--unit", default="")
    p.add_argument("--target")
    p.add_argument("--detail")
    p.add_argument("--error")
    p = sub.add_parser("report")
    p.add_argument("--out", required=True)
    p.add_argument("--order")
    args = ap.parse_args()
    sys.exit({"ab": cmd_ab, "record": cmd_record, "report": cmd_report}[args.cmd](args))


if __name__ == "__main__":
    main()
