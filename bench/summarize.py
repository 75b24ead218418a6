#!/usr/bin/env python3
"""Reads the raw outputs of bench/run and prints them as a Markdown summary.

Subcommands:
  headers JIYUE NGINX   compare two curl header dumps, one line per header name
  rate WRK_OUTPUT       print the oha rate: half the wrk figure, rounded down to 100
  other CPU_FILE LABEL  print the percent of both cores that other processes used in a run
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
        raise ValueError(
            f"invalid wrk duration {text!r}: expected a number followed by us, ms, s or m"
        )
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


def cpu_lines(path):
    """Returns the last line of cpu.txt per label, as a dict of its fields."""
    lines = {}
    if not Path(path).exists():
        return lines
    for line in Path(path).read_text().splitlines():
        fields = dict(re.findall(r"(\w+)=([\d.]+)", line.split(" loadgen=")[0]))
        fields["loadgen"] = re.search(r"loadgen=\[(.*?)\]", line).group(1)
        fields["cores_before"] = re.search(r"cores_before=\[(.*?)\]", line).group(1)
        fields["cores_after"] = re.search(r"cores_after=\[(.*?)\]", line).group(1)
        lines[line.split()[0]] = fields
    return lines


def parse_cpu(path):
    """Returns, per label, CPU use in percent of one core: the server, the load generator,
    cores 0 and 1, and other processes (the rest of both cores' busy time)."""
    result = {}
    for label, fields in cpu_lines(path).items():
        tick = float(fields["clk_tck"])
        elapsed = float(fields["end"]) - float(fields["start"])
        server = (float(fields["ticks_after"]) - float(fields["ticks_before"])) / tick
        loadgen = sum(bash_seconds(t) for t in fields["loadgen"].split())
        busy = core_busy(fields["cores_before"], fields["cores_after"])
        both = (busy["cpu0_ticks"] + busy["cpu1_ticks"]) / tick
        result[label] = {
            "server": 100 * server / elapsed,
            "loadgen": 100 * loadgen / elapsed,
            "cpu0": busy["cpu0"],
            "cpu1": busy["cpu1"],
            "other": max(0.0, 100 * (both - server - loadgen) / (2 * elapsed)),
        }
    return result


def bash_seconds(text):
    """Converts a time printed by the bash builtin `times`, such as 1m2.500s, to seconds."""
    match = re.fullmatch(r"(\d+)m([\d.]+)s", text)
    if not match:
        raise ValueError(f"invalid bash time {text!r}: expected minutes and seconds such as 0m1.5s")
    return 60 * int(match.group(1)) + float(match.group(2))


def core_busy(before, after):
    """Returns the busy percent and busy ticks of cpu0 and cpu1 between two snapshots of their
    /proc/stat lines. Busy time includes interrupt time, because with tick-based CPU accounting
    the kernel also charges those ticks to the stime of the interrupted process."""
    # NOTE: on a kernel built with CONFIG_IRQ_TIME_ACCOUNTING, interrupt time is not charged to
    # processes, so the "other processes" figure also counts the loopback softirq work.
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
        busy_ticks = delta[0] + delta[1] + delta[2] + delta[5] + delta[6]
        busy[core] = 100 * busy_ticks / total if total else 0.0
        busy[f"{core}_ticks"] = busy_ticks
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


def percent(value):
    return "n/a" if value is None else f"{value:.0f}%"


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
    print(
        f"- code: commit {meta['commit']} with {meta['worktree_changes']} changed paths "
        f"outside bench/ in the worktree"
    )
    print(
        f"- load: `wrk -t1 -c{meta['connections']} -d{meta['duration']} --latency` and "
        f"`oha -z {meta['duration']} -c {meta['connections']} -q {meta['rate']}`, "
        f"each after a {meta['warmup']} warm-up; server on core 0, load generator on core 1"
    )
    print()
    print("| server | encoding | wrk req/s | wrk p50 | wrk p99 | server CPU | wrk CPU "
          "| oha rate | oha p50 | oha p99 |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for encoding in ENCODINGS:
        for server in SERVERS:
            w, o = wrk[(server, encoding)], oha[(server, encoding)]
            c = cpu.get(f"wrk-{server}-{encoding}")
            server_cpu = f"{c['server']:.0f}%" if c else "n/a"
            loadgen_cpu = f"{c['loadgen']:.0f}%" if c else "n/a"
            print(
                f"| {server} | {encoding} | {w['rps']:,.0f} | {fmt_ms(w['p50'])} "
                f"| {fmt_ms(w['p99'])} "
                f"| {server_cpu} | {loadgen_cpu} | {o['rps']:,.0f} | {fmt_ms(o['p50'])} "
                f"| {fmt_ms(o['p99'])} |"
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
    print("Server CPU time per request at the fixed oha rate, a cost figure that does not depend "
          "on how fast the load generator is:")
    print()
    print("| encoding | jiyue | nginx |")
    print("| --- | ---: | ---: |")
    for encoding in ENCODINGS:
        costs = []
        for server in SERVERS:
            c = cpu.get(f"oha-{server}-{encoding}")
            rps = oha[(server, encoding)]["rps"]
            costs.append("n/a" if not c else f"{10_000 * c['server'] / rps:.1f} µs")
        print(f"| {encoding} | {costs[0]} | {costs[1]} |")
    print()
    print_memory(raw)
    print_checks(
        raw, wrk, oha, cpu, {"identity": identity_size, "br": br_size}, float(meta["max_busy"])
    )


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


def print_checks(raw, wrk, oha, cpu, body_sizes, max_busy):
    """Prints per-run sanity figures, and a warning where a run did not get the expected page
    or other processes used more than `max_busy` percent of the two cores."""
    print("Checks:")
    print()
    warnings = []
    for (server, encoding), w in wrk.items():
        o = oha[(server, encoding)]
        statuses = ", ".join(f"{code}: {count}" for code, count in sorted(o["statuses"].items()))
        wrk_other = cpu.get(f"wrk-{server}-{encoding}", {}).get("other")
        oha_cpu = cpu.get(f"oha-{server}-{encoding}", {})
        print(
            f"- {server} {encoding}: wrk {w['bytes_per_response']:.0f} bytes per response, "
            f"{w['non_2xx']} non-2xx, socket errors {w['socket_errors']}, other processes "
            f"{percent(wrk_other)} of both cores; oha body {o['size']} bytes, statuses "
            f"{statuses or 'none'}, errors {o['errors'] or 'none'}, server CPU "
            f"{percent(oha_cpu.get('server'))}, oha CPU {percent(oha_cpu.get('loadgen'))}, "
            f"other processes {percent(oha_cpu.get('other'))}"
        )
        if wrk_other is not None and wrk_other > max_busy:
            warnings.append(f"other processes used {wrk_other:.0f}% during wrk {server} {encoding}")
        expected = body_sizes[encoding]
        if w["non_2xx"] or w["bytes_per_response"] < expected:
            warnings.append(f"wrk {server} {encoding} did not get the {expected}-byte page")
        if o["size"] != expected or set(o["statuses"]) != {"200"}:
            warnings.append(f"oha {server} {encoding} did not get the {expected}-byte page")
    quiet = raw / "quiet.txt"
    if quiet.exists():
        lines = quiet.read_text().splitlines()
        figures = [re.search(r"busy_percent=([\d.]+)", line) for line in lines]
        busy = [float(m.group(1)) for m in figures if m]
        waited = sum(int(x) for x in re.findall(r"waited_seconds=(\d+)", quiet.read_text()))
        repeats = len(re.findall(r"attempt=[23]", quiet.read_text()))
        print(
            f"- other load with both servers idle, just before each measured run: "
            f"{min(busy):.1f}% to {max(busy):.1f}% of all CPU time ({waited} s spent waiting, "
            f"{repeats} runs repeated because other processes used more than {max_busy:.0f}%)"
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
    elif len(argv) == 4 and argv[1] == "other":
        print(f"{parse_cpu(argv[2])[argv[3]]['other']:.1f}")
    elif len(argv) == 3 and argv[1] == "report":
        report(argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
