#!/usr/bin/env bash
# Fuzzes the scenario loader, the knowledge-base loader and one CSV table (see docs/RELIABILITY.md).
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [RUNS_PER_TARGET]     (default 1800 s, 10,000,000 runs)
# Each target stops at whichever comes first. TARGETS="scenario" (or "knowledge") runs one, so two
# shells can run both at once on two cores. Needs cargo-fuzz (`cargo install cargo-fuzz`); the
# stable toolchain is enough with RUSTC_BOOTSTRAP=1. Crashes go to fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-1800}"
runs="${2:-10000000}"
export RUSTC_BOOTSTRAP=1

# seed corpora: the shipped and the bad-input scenarios; each knowledge-base table behind the
# byte that selects it (the target's first byte picks one of the eight tables)
mkdir -p fuzz/corpus/scenario fuzz/corpus/knowledge fuzz/corpus/table
cp knowledge/*.csv fuzz/corpus/table/
find tests/corpus/knowledge -type f -name '*.csv' | while read -r f; do
  cp "$f" "fuzz/corpus/table/$(basename "$(dirname "$f")")-$(basename "$f")"
done
cp scenarios/*.toml fuzz/corpus/scenario/
find tests/corpus/scenarios -maxdepth 2 -type f -name '*.toml' -exec cp {} fuzz/corpus/scenario/ \;
i=0
for f in target_groups success_goals items consequences prices price_index parameters effect_studies; do
  { printf "\\$(printf '%03o' "$i")"; cat "knowledge/$f.csv"; } > "fuzz/corpus/knowledge/$f"
  for d in tests/corpus/knowledge/*/; do
    [ -f "$d$f.csv" ] && { printf "\\$(printf '%03o' "$i")"; cat "$d$f.csv"; } > "fuzz/corpus/knowledge/$(basename "$d")-$f"
  done
  i=$((i + 1))
done

cargo fuzz build -s none
for target in ${TARGETS:-scenario knowledge table}; do
  dict=()
  [ -f "fuzz/$target.dict" ] && dict=("-dict=fuzz/$target.dict")
  echo "fuzz: $target for up to $secs s or $runs runs"
  cargo fuzz run -s none "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$secs" -runs="$runs" -max_len=65536 -print_final_stats=1 "${dict[@]}" \
    2>&1 | tee "fuzz/$target.log" | grep -E '^(#[0-9]+ +(DONE|pulse)|stat::|==[0-9]+==|SUMMARY)' || true
done
