#!/usr/bin/env python3
"""Reads the raw outputs of bench/run and prints them as a Markdown summary.

Subcommands:
  headers JIYUE NGINX   compare two curl header dumps, one line per header name
  rate WRK_OUTPUT       print the oha rate: half the wrk figure, rounded down to 100
  report RAW_FOLDER     print the summary table, ratios, memory and load of one run
"""

import json
import re
import sys
from pathlib import Path

SERVERS = ("jiyue", "nginx")
ENCODINGS = ("identity", "br")
UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}
BINARY_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def parse_headers(path):
    """Returns the status line and a dict of lower-case header name to list of values."""
    lines = Path(path).read_text(encoding="latin-1").replace("\r", "").split("\n")
    headers = {}
    for line in lines[1:]:
        if ":" not in line:
            continue
        name, value = line.split(":", 1)
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return lines[0], headers


def compare_headers(jiyue_path, nginx_path):
    """Prints shared headers once and differing or one-sided headers per server."""
    jiyue_status, jiyue = parse_headers(jiyue_path)
    nginx_status, nginx = parse_headers(nginx_path)
    print(f"  jiyue  {jiyue_status}")
    print(f"  nginx  {nginx_status}")
    for name in sorted(set(jiyue) | set(nginx)):
        ours = jiyue.get(name, [])
        theirs = nginx.get(name, [])
        if ours == theirs:
            for value in ours:
                print(f"  both   {name}: {value}")
            continue
        for value in ours or ["(absent)"]:
            print(f"  jiyue  {name}: {value}")
        for value in theirs or ["(absent)"]:
            print(f"  nginx  {name}: {value}")


def seconds(text):
    """Converts a wrk duration such as 512.00us or 1.20ms to seconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"invalid wrk duration {text!r}: expected a number followed by us, ms, s or m")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(path):
    """Returns requests per second, latency percentiles (seconds), bytes per response and errors."""
    text = Path(path).read_text()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not rps:
        raise ValueError(f"no Requests/sec line in {path}: wrk failed, see the file")
    totals = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB|TB) read", text)
    requests = int(totals.group(1)) if totals else 0
    read_bytes = float(totals.group(2)) * BINARY_UNITS[totals.group(3)] if totals else 0.0
    percentiles = {
        int(p): seconds(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket = re.search(r"Socket errors: (.*)", text)
    return {
        "rps": float(rps.group(1)),
        "requests": requests,
        "bytes_per_response": read_bytes / requests if requests else 0.0,
        "p50": percentiles.get(50),
        "p99": percentiles.get(99),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket.group(1).strip() if socket else "none",
    }


def parse_oha(path):
    """Returns the achieved rate, latency percentiles (seconds), success rate and status codes."""
    data = json.loads(Path(path).read_text())
    summary = data["summary"]
    percentiles = data["latencyPercentiles"]
    return {
        "rps": summary["requestsPerSec"],
        "success": summary["successRate"],
        "size": summary.get("sizePerRequest"),
        "p50": percentiles["p50"],
        "p99": percentiles["p99"],
        "statuses": data.get("statusCodeDistribution", {}),
        "errors": data.get("errorDistribution", {}),
    }


def parse_cpu(path):
    """Returns, per label, the server's CPU use and the busy share of cores 0 and 1 (percent)."""
    result = {}
    if not Path(path).exists():
        return result
    for line in Path(path).read_text().splitlines():
        label = line.split()[0]
        fields = dict(re.findall(r"(\w+)=([\d.]+)", line))
        elapsed = float(fields["end"]) - float(fields["start"])
        ticks = float(fields["ticks_after"]) - float(fields["ticks_before"])
        server = 100 * ticks / float(fields["clk_tck"]) / elapsed
        before = re.search(r"cores_before=\[(.*?)\]", line).group(1)
        after = re.search(r"cores_after=\[(.*?)\]", line).group(1)
        result[label] = {"server": server, **core_busy(before, after)}
    return result


def core_busy(before, after):
    """Returns the busy percent of cpu0 and cpu1 between two snapshots of /proc/stat lines."""
    def parse(text):
        cores = {}
        for match in re.finditer(r"(cpu[01])((?: \d+)+)", text):
            cores[match.group(1)] = [int(x) for x in match.group(2).split()]
        return cores

    first, second = parse(before), parse(after)
    busy = {}
    for core in ("cpu0", "cpu1"):
        delta = [b - a for a, b in zip(first[core], second[core])]
        total = sum(delta[:8])
        idle = delta[3] + delta[4]
        busy[core] = 100 * (total - idle) / total if total else 0.0
    return busy


def parse_memory(path):
    """Returns VmHWM and VmRSS in KiB from a grep of /proc/PID/status."""
    values = {}
    for line in Path(path).read_text().splitlines():
        name, value = line.split(":", 1)
        values[name] = int(value.split()[0])
    return values


def fmt_ms(value):
    return "n/a" if value is None else f"{value * 1000:.2f} ms"


def fmt_mib(kib):
    return f"{kib / 1024:.1f} MiB"


def read_meta(raw):
    meta = {}
    for line in (raw / "meta.txt").read_text().splitlines():
        key, _, value = line.partition("=")
        meta[key] = value
    return meta


def report(raw):
    """Prints the Markdown summary of one run folder."""
    raw = Path(raw)
    meta = read_meta(raw)
    wrk = {(s, e): parse_wrk(raw / f"wrk-{s}-{e}.txt") for s in SERVERS for e in ENCODINGS}
    oha = {(s, e): parse_oha(raw / f"oha-{s}-{e}.json") for s in SERVERS for e in ENCODINGS}
    cpu = parse_cpu(raw / "cpu.txt")
    identity_size = (raw / "jiyue-identity.body").stat().st_size
    br_size = (raw / "jiyue-br.body").stat().st_size

    print(f"# Benchmark run {meta['stamp']}")
    print()
    print(f"- page: `{meta['page']}`, {identity_size} bytes identity, {br_size} bytes brotli")
    print(f"- machine: {meta['nproc']} cores, {meta['cpu']}, kernel {meta['kernel']}")
    print(f"- tools: nginx {meta['nginx']}, wrk {meta['wrk']}, oha {meta['oha']}, {meta['rustc']}")
    print(f"- code: commit {meta['commit']} with {meta['worktree_changes']} changed files in the worktree")
    print(
        f"- load: `wrk -t1 -c{meta['connections']} -d{meta['duration']} --latency` and "
        f"`oha -z {meta['duration']} -c {meta['connections']} -q {meta['rate']}`, "
        f"each after a {meta['warmup']} warm-up; server on core 0, load generator on core 1"
    )
    print()
    print("| server | encoding | wrk req/s | wrk p50 | wrk p99 | server CPU | core 1 busy "
          "| oha rate | oha p50 | oha p99 |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for encoding in ENCODINGS:
        for server in SERVERS:
            w, o = wrk[(server, encoding)], oha[(server, encoding)]
            c = cpu.get(f"wrk-{server}-{encoding}", {})
            server_cpu = f"{c['server']:.0f}%" if c else "n/a"
            core1 = f"{c['cpu1']:.0f}%" if c else "n/a"
            print(
                f"| {server} | {encoding} | {w['rps']:,.0f} | {fmt_ms(w['p50'])} | {fmt_ms(w['p99'])} "
                f"| {server_cpu} | {core1} | {o['rps']:,.0f} | {fmt_ms(o['p50'])} | {fmt_ms(o['p99'])} |"
            )
    print()
    print("Ratios, higher is better for jiyue in both columns:")
    print()
    print("| encoding | req/s, jiyue / nginx | oha p99, nginx / jiyue |")
    print("| --- | ---: | ---: |")
    for encoding in ENCODINGS:
        rps_ratio = wrk[("jiyue", encoding)]["rps"] / wrk[("nginx", encoding)]["rps"]
        p99_ratio = oha[("nginx", encoding)]["p99"] / oha[("jiyue", encoding)]["p99"]
        print(f"| {encoding} | {rps_ratio:.2f} | {p99_ratio:.2f} |")
    print()
    print_memory(raw)
    print_checks(raw, wrk, oha, cpu, {"identity": identity_size, "br": br_size})


def print_memory(raw):
    jiyue = parse_memory(raw / "memory-jiyue.txt")
    worker = parse_memory(raw / "memory-nginx-worker.txt")
    master = parse_memory(raw / "memory-nginx-master.txt")
    print(
        f"Peak memory after the load (VmHWM): jiyue serve --demo {fmt_mib(jiyue['VmHWM'])} "
        f"(VmRSS {fmt_mib(jiyue['VmRSS'])}); nginx worker {fmt_mib(worker['VmHWM'])}, "
        f"master {fmt_mib(master['VmHWM'])}."
    )
    print()


def print_checks(raw, wrk, oha, cpu, body_sizes):
    """Prints per-run sanity figures, and a warning where a run did not get the expected page."""
    print("Checks:")
    print()
    warnings = []
    for (server, encoding), w in wrk.items():
        o = oha[(server, encoding)]
        statuses = ", ".join(f"{code}: {count}" for code, count in sorted(o["statuses"].items()))
        core1 = cpu.get(f"oha-{server}-{encoding}", {}).get("cpu1")
        print(
            f"- {server} {encoding}: wrk {w['bytes_per_response']:.0f} bytes per response, "
            f"{w['non_2xx']} non-2xx, socket errors {w['socket_errors']}; oha body "
            f"{o['size']} bytes, statuses {statuses or 'none'}, errors {o['errors'] or 'none'}, "
            f"core 1 busy {'n/a' if core1 is None else f'{core1:.0f}%'}"
        )
        expected = body_sizes[encoding]
        if w["non_2xx"] or w["bytes_per_response"] < expected:
            warnings.append(f"wrk {server} {encoding} did not get the {expected}-byte page every time")
        if o["size"] != expected or set(o["statuses"]) != {"200"}:
            warnings.append(f"oha {server} {encoding} did not get the {expected}-byte page every time")
    quiet = raw / "quiet.txt"
    if quiet.exists():
        figures = [re.search(r"busy_percent=([\d.]+)", line) for line in quiet.read_text().splitlines()]
        busy = [float(m.group(1)) for m in figures if m]
        waited = sum(int(x) for x in re.findall(r"waited_seconds=(\d+)", quiet.read_text()))
        print(
            f"- other load with both servers idle, just before each measured run: "
            f"{min(busy):.1f}% to {max(busy):.1f}% of all CPU time ({waited} s spent waiting)"
        )
    load = raw / "load-before.txt"
    if load.exists():
        print(f"- before measuring: `{load.read_text().splitlines()[0].strip()}`")
    for warning in warnings:
        print(f"- WARNING: {warning}")


def main(argv):
    if len(argv) == 4 and argv[1] == "headers":
        compare_headers(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "rate":
        print(max(100, int(parse_wrk(argv[2])["rps"] / 2) // 100 * 100))
    elif len(argv) == 3 and argv[1] == "report":
        report(argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
