#!/usr/bin/env python3
"""Summaries for scripts/profile-ingest.sh (no dependencies beyond Python 3).

  trace-summary.py snapshot PID > FILE
      one line per thread of PID: "tid<TAB>name<TAB>user ticks<TAB>system ticks".
  trace-summary.py threads BEFORE AFTER EVENTS
      CPU per event by thread kind, from two snapshots of /proc/PID/task/*/{comm,stat} ("name<TAB>utime<TAB>stime" lines).
  trace-summary.py stacks SPEEDSCOPE_JSON WORKER_US_PER_EVENT [TOP=25]
      dotnet-trace's sampled stacks (speedscope export of dotnet-sampled-thread-time): only samples of threads running
      managed code (leaf CPU_TIME) count. Each is assigned to the category of the frame nearest its leaf that matches
      one, and the thread-pool workers' CPU per event is split by these shares. Also the top methods, inclusive and
      exclusive, as shares of those samples.
"""
import collections, json, os, sys

def waiting(names):
    """Samples whose leaf is a managed frame although the thread is blocked: not CPU."""
    leaf = names[-1] if names else ""
    if "PollGC" in leaf:
        return "suspended for a GC (Thread.PollGC)"
    if leaf.startswith("?") and any("SocketAsyncEngine.EventLoop" in n for n in names):
        return "socket engine blocked in epoll_wait"
    if "GC.RunFinalizers" in leaf:
        return "finalizer thread waiting for work"
    if "LowLevelLifoSemaphore.WaitForSignal" in leaf:
        return "idle thread-pool worker (WaitForSignal)"
    return None


CATEGORIES = [  # (name, substrings of a frame), matched from the leaf upwards
    ("PII scan", ["PiiScanner", "PaymentNumbers"]),
    ("JSON parse (JsonDocument over the body)", ["JsonDocument.Parse", "ParsedBody."]),
    ("validation (field rules, property look-ups, timestamps)", ["EventValidator", "IngestBatch.Read"]),
    ("JetStream message encoding (LogMessage.Write)", ["LogMessage.Write"]),
    ("JetStream message ids (SHA-256 of the ids)", ["JetStreamEventLog.MessageId"]),
    ("NATS client: publish, acknowledgements, grouping", ["NATS.Client", "JetStreamEventLog"]),
    ("Kestrel: HTTP parsing, body read, response", ["Kestrel", "IngestApi+<ReadBodyAsync>", "Http.HttpResults", "System.IO.Pipelines"]),
    ("socket I/O (epoll loop, send/receive)", ["System.Net.Sockets"]),
    ("auth, middleware, DI, endpoint", ["IngestKeyAuthenticator", "Microsoft.AspNetCore", "Microsoft.Extensions.DependencyInjection", "IngestApi"]),
    ("thread pool: dispatch, spin-waits (partly idle)", ["LowLevelLifoSemaphore", "PortableThreadPool", "ThreadPoolWorkQueue"]),
]


def short(name):
    name = name.split("!", 1)[-1]
    return name if len(name) <= 110 else name[:107] + "..."


def snapshot(pid):
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        print(f"{tid}\t{name}\t{fields[11]}\t{fields[12]}")


def threads(before, after, events):
    def read(path):
        rows = collections.defaultdict(lambda: [0, 0])
        for line in open(path):
            tid, name, user, system = line.rstrip("\n").split("\t")
            rows[(tid, name)] = [int(user), int(system)]
        return rows
    b, a = read(before), read(after)
    hz = os.sysconf("SC_CLK_TCK")
    kinds = collections.defaultdict(lambda: [0, 0])
    for key, (u, s) in a.items():
        bu, bs = b.get(key, [0, 0])
        kind = key[1].rstrip("0123456789 ").strip() or "?"
        kinds[kind][0] += u - bu
        kinds[kind][1] += s - bs
    total = sum(u + s for u, s in kinds.values())
    request = sum(u + s for k, (u, s) in kinds.items() if "TP Worker" in k or "Socket" in k)
    print(f"app CPU by thread kind ({events} events): total {total / hz * 1e6 / events:.2f} us/event")
    for kind, (u, s) in sorted(kinds.items(), key=lambda x: -sum(x[1])):
        if u + s:
            print(f"  {kind:<22} {100 * (u + s) / total:5.1f} %  {(u + s) / hz * 1e6 / events:5.2f} us/event (user {u / hz * 1e6 / events:.2f}, system {s / hz * 1e6 / events:.2f})")
    print(f"request_threads_us_per_event={request / hz * 1e6 / events:.2f}")


def stacks(path, worker_us, top):
    d = json.load(open(path))
    frames = [f["name"] for f in d["shared"]["frames"]]
    cats, incl, excl, waits, total = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter(), 0.0
    for profile in d["profiles"]:
        stack, last = [], None
        for e in profile["events"]:
            at = e["at"]
            if stack and frames[stack[-1]] == "CPU_TIME":
                dt = at - last
                total += dt
                names = [frames[f] for f in stack[:-1]]
                wait = waiting(names)
                if wait:
                    waits[wait] += dt
                else:
                    excl[short(names[-1]) if names else "?"] += dt
                    for n in set(names):
                        incl[short(n)] += dt
                    cat = "other (runtime, collections, start-up)"
                    for n in reversed(names):
                        hit = next((c for c, keys in CATEGORIES if any(k in n for k in keys)), None)
                        if hit:
                            cat = hit
                            break
                    cats[cat] += dt
            if e["type"] == "O":
                stack.append(e["frame"])
            else:
                stack.pop()
            last = at
    running = total - sum(waits.values())
    print(f"managed samples: {total / 1000:.1f} thread-seconds, of which waiting although the leaf is managed (not CPU):")
    for c, v in waits.most_common():
        print(f"  {100 * v / total:5.1f} %  {c}")
    print(f"the rest ({running / 1000:.1f} thread-seconds) by category: share, and the request threads' CPU per event ({worker_us:.2f} us) split by it")
    for c, v in cats.most_common():
        print(f"  {100 * v / running:5.1f} %  {worker_us * v / running:5.2f} us/event  {c}")
    total = running
    skip = ("Thread", "Threads", "(Non-Activities)", "Process64", "System.Threading.", "System.Runtime.CompilerServices.", "dynamicClass")
    print(f"top {top} methods, inclusive (share of managed running samples):")
    for n, v in [x for x in incl.most_common() if not x[0].startswith(skip)][:top]:
        print(f"  {100 * v / total:5.1f} %  {n}")
    print(f"the app's own methods (Crowdstart.*), inclusive, and the request threads' CPU per event:")
    for n, v in [x for x in incl.most_common() if x[0].startswith("Crowdstart.") and "d__" not in x[0]][:top]:
        print(f"  {100 * v / total:5.1f} %  {worker_us * v / total:5.2f} us/event  {n}")
    print(f"top {top} methods, exclusive:")
    for n, v in excl.most_common(top):
        print(f"  {100 * v / total:5.1f} %  {n}")


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        snapshot(sys.argv[2])
    elif sys.argv[1] == "threads":
        threads(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        stacks(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 25)
