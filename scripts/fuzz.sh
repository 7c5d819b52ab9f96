#!/bin/sh
# Builds the libFuzzer targets in Fuzz/ with swiftc (not SwiftPM) into .build-fuzz/ and runs
# each for a bounded time. Exits non-zero on any crash and prints where the crashing input is.
#
#   scripts/fuzz.sh                 all targets, FUZZ_SECONDS (default 60) each
#   scripts/fuzz.sh mime armor      only these (mime, report, cvss, armor)
#   FUZZ_SECONDS=600 scripts/fuzz.sh
#
# Corpora grow in .build-fuzz/corpus/<target> (seeded from test fixtures, the interop mails and
# the report templates); crashing inputs land in .build-fuzz/crashes/<target>/. Turn each crash
# into a regression test in the matching test target (e.g. Tests/MIMETests/FuzzRegressionTests.swift).
set -eu

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/.build-fuzz"
SECONDS_EACH=${FUZZ_SECONDS:-60}
SWIFTC=${SWIFTC:-swiftc}
TARGETS=${*:-mime report cvss armor}

mkdir -p "$OUT"

# swiftc flags: libFuzzer + AddressSanitizer; the fuzz file is compiled into the module under test,
# so it reaches internal API. -parse-as-library because there is no main (libFuzzer has it).
build() { # name module sources...
  name=$1; module=$2; shift 2
  echo "fuzz: building $name" >&2
  "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld -module-name "$module" \
    -enable-upcoming-feature ExistentialAny "$@" -o "$OUT/$name-fuzz"
}

seed() { # name files...
  name=$1; shift
  dir="$OUT/corpus/$name"
  mkdir -p "$dir"
  for file in "$@"; do
    [ -f "$file" ] || continue
    # Keep seeds small: libFuzzer's default -max_len is derived from the corpus.
    head -c 65536 "$file" > "$dir/seed-$(printf '%s' "$file" | cksum | cut -d' ' -f1)"
  done
}

status=0
for target in $TARGETS; do
  case $target in
    mime)
      build mime MIME Sources/MIME/*.swift Fuzz/MIMEFuzz.swift
      seed mime Tests/IntegrationTests/Fixtures/hostile/*.eml \
        $(find ../shared/interop -name '*.eml' -o -name '*.mbox' 2>/dev/null | head -100)
      ;;
    report)
      build report Cases Sources/Cases/*.swift Fuzz/ReportParserFuzz.swift
      seed report Config/report-template.*.txt
      ;;
    cvss)
      build cvss Cases Sources/Cases/*.swift Fuzz/CVSSFuzz.swift
      mkdir -p "$OUT/corpus/cvss"
      printf 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' > "$OUT/corpus/cvss/v31"
      printf 'Score (CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:C/C:L/I:N/A:N) here' > "$OUT/corpus/cvss/v30"
      printf 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/CR:H' > "$OUT/corpus/cvss/v40"
      seed cvss Config/report-template.*.txt
      ;;
    armor)
      build armor Gateway Sources/Gateway/Armor.swift Fuzz/ArmorFuzz.swift
      seed armor $(grep -rl -- '-----BEGIN PGP' ../shared/interop Tests 2>/dev/null | head -50)
      ;;
    *)
      echo "fuzz: unknown target $target (mime, report, cvss, armor)" >&2
      exit 2
      ;;
  esac
  crashes="$OUT/crashes/$target"
  mkdir -p "$crashes"
  echo "fuzz: running $target for ${SECONDS_EACH}s" >&2
  if ! "$OUT/$target-fuzz" "$OUT/corpus/$target" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 \
      -timeout=10 -print_final_stats=1 -artifact_prefix="$crashes/" 2>"$OUT/$target.log"; then
    status=1
    echo "fuzz: $target CRASHED; log: $OUT/$target.log" >&2
    grep -E '^(==[0-9]+==|SUMMARY|Fatal error|.*Test unit written to)' "$OUT/$target.log" >&2 || true
    for input in "$crashes"/*; do [ -f "$input" ] && echo "fuzz: crashing input: $input" >&2; done
  else
    grep -E '^stat::number_of_executed_units|^Done ' "$OUT/$target.log" | sed "s/^/fuzz: $target: /" >&2 || true
  fi
done
exit $status
