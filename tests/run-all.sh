#!/bin/sh
# Runs every test of the project and prints one line per test, then
# "N passed, N failed". Logs go to build/test-logs/.
#   CGW_ONLY=unit|fuzz|system|lab   run one kind only
#   CGW_SKIP_LAB=1                  everything but the kernel lab
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
logs=$B/test-logs
mkdir -p "$logs"
pass=0
fail=0
failed=""

run() {	# name command...
	name=$1; shift
	log="$logs/$(echo "$name" | tr '/ ' '__').log"
	start=$(date +%s)
	if "$@" >"$log" 2>&1; then
		pass=$((pass + 1)); res=PASS
	else
		fail=$((fail + 1)); res=FAIL; failed="$failed $name"
	fi
	printf '%-4s %-40s %4ss\n' "$res" "$name" "$(( $(date +%s) - start ))"
	if [ "$res" = FAIL ]; then
		tail -n 30 "$log" | sed 's/^/    | /'
	fi
}

want() { [ -z "${CGW_ONLY:-}" ] || [ "$CGW_ONLY" = "$1" ]; }

if want unit; then
	for t in "$B"/tests/unit/test_*; do
		[ -x "$t" ] || continue
		run "unit/$(basename "$t")" "$t"
	done
fi
if want fuzz; then
	for t in "$B"/tests/fuzz/fuzz_*-regress; do
		[ -x "$t" ] || continue
		n=$(basename "$t" -regress)
		run "fuzz/$n" "$t" "tests/fuzz/corpus/${n#fuzz_}"
	done
fi
if want system; then
	if [ -z "${CGW_ONLY:-}" ] && command -v clang >/dev/null; then
		# Every object and the test tools, not the programs: those would
		# overwrite ./cgwd.
		run "build/clang" make -s B="$B/clang" CC=clang \
			"$B/clang/libcgw.a" "$B/clang/daemon/cgwd_main.o" \
			"$B/clang/daemon/cgwctl_main.o" \
			$(for f in tests/tools/*.c; do echo "$B/clang/${f%.c}"; done)
	fi
	for t in tests/system/*.sh; do
		[ -f "$t" ] || continue
		run "system/$(basename "$t" .sh)" sh "$t"
	done
fi
if want lab && [ -z "${CGW_SKIP_LAB:-}" ] && [ -x tests/lab/lab.sh ]; then
	# The lab prints its own lines; count them into ours.
	out=$logs/lab-summary.txt
	# A scenario with "# lab-make-test: no" among its first five lines
	# runs with `make lab` (all) and the bench, not here; it says why.
	names=""
	for f in tests/lab/scenarios/*.sh; do
		n=$(basename "$f" .sh)
		if sed -n '1,5p' "$f" | grep -q '^# lab-make-test: no'; then
			printf '%-4s %-40s %4s\n' SKIP "lab/$n" "(make lab SCENARIO=$n)"
		else
			names="$names $n"
		fi
	done
	# shellcheck disable=SC2086
	tests/lab/lab.sh $names 2>&1 | tee "$out"
	lp=$(sed -n 's/^lab: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out" | tail -n1)
	lf=$(sed -n 's/^lab: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out" | tail -n1)
	if [ -z "$lp" ]; then
		fail=$((fail + 1)); failed="$failed lab"
	else
		pass=$((pass + lp)); fail=$((fail + lf))
		[ "$lf" = 0 ] || failed="$failed lab"
	fi
fi

[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ $((pass + fail)) -gt 0 ]
