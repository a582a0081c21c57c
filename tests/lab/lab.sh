#!/bin/bash
# Kernel lab runner: each tests/lab/scenarios/NAME.sh runs in its own VM
# boot (vm.sh). One line per scenario, then "lab: N passed, N failed".
#   lab.sh [-v] [NAME...]     all scenarios, or the named ones
#   -v                        show the guest console while it runs
# Logs: tests/lab/out/NAME/ (scenario.log, console.log, charon/bird logs
# per namespace, state-end.txt with xfrm state/policy, routes, BGP).
set -u
here=$(cd "$(dirname "$0")" && pwd)
live=""
[ "${1:-}" = -v ] && { live=--live; shift; }
if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(for f in "$here"/scenarios/*.sh; do basename "$f" .sh; done)
fi
pass=0 fail=0
summary() { echo "lab: $pass passed, $fail failed"; [ $fail = 0 ]; }

if [ "$(id -u)" != 0 ]; then
	echo "lab: must run as root (QEMU exports / to the guest; namespaces inside)"
	fail=1; summary; exit 1
fi
t0=$(date +%s)
if ! "$here/vm.sh" --prepare; then
	echo "lab: cannot prepare the kernel/initramfs (see above)"
	fail=1; summary; exit 1
fi
echo "lab: kernel and initramfs ready ($(( $(date +%s) - t0 ))s)"

for name in $names; do
	script=$here/scenarios/$name.sh
	out=$here/out/$name
	if [ ! -f "$script" ]; then
		printf 'FAIL  %-18s %4ss  no such scenario (%s)\n' "$name" 0 "$script"
		fail=$((fail + 1)); continue
	fi
	rm -rf "$out"; mkdir -p "$out"
	start=$(date +%s)
	# A scenario may ask for a longer guest limit: "# lab-timeout: SECONDS"
	# in its first lines (LAB_TIMEOUT in the environment wins).
	tmo=$(sed -n '1,5s/^# lab-timeout: *\([0-9][0-9]*\)$/\1/p' "$script" | head -n1)
	LAB_TIMEOUT=${LAB_TIMEOUT:-${tmo:-600}} \
		"$here/vm.sh" $live "$script" "$out" CGW_IMPL="${CGW_IMPL:-reference}" >"$out/vm.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	fig=$(sed -n 's/^FIGURE: *//p' "$out/scenario.log" 2>/dev/null | tail -n1)
	if [ $rc = 0 ]; then
		pass=$((pass + 1))
		printf 'PASS  %-18s %4ss  %s\n' "$name" "$secs" "$fig"
	else
		fail=$((fail + 1))
		why=$(grep -m1 '^FAIL' "$out/scenario.log" 2>/dev/null)
		case $rc in
		124) why="guest timeout" ;; 137) why="host timeout, QEMU killed" ;;
		125) why="VM died before the scenario ended" ;;
		esac
		printf 'FAIL  %-18s %4ss  exit %s: %s\n' "$name" "$secs" "$rc" "${why:-see log}"
		echo "      logs: $out/ (scenario.log, console.log, */charon.log, */bird.log, state-end.txt)"
		tail -n 15 "$out/scenario.log" 2>/dev/null | sed 's/^/      | /'
	fi
done
summary
