#!/bin/bash
# Print the footprint benchmark's tables from its results file:
#   report.sh [RESULTS]   (default tests/bench/out/footprint/results.txt)
# One row per metric: cgwd, reference, ratio cgwd/reference (the median of
# every sample of that metric), then a one-line summary. A column without
# a sample prints FAIL. Exit 1 if any cell is FAIL.
set -u
here=$(cd "$(dirname "$0")" && pwd)
res=${1:-$here/out/footprint/results.txt}
[ -r "$res" ] || { echo "bench: no results ($res)"; exit 1; }

awk '
function median(key,    n, i, j, t, a) {
	n = cnt[key]
	if (n == 0) return ""
	for (i = 1; i <= n; i++) a[i] = val[key, i]
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function range(key, scale, fmt,    i, lo, hi) {
	if (cnt[key] < 2) return "-"
	lo = hi = val[key, 1]
	for (i = 2; i <= cnt[key]; i++) { if (val[key, i] < lo) lo = val[key, i]; if (val[key, i] > hi) hi = val[key, i] }
	return sprintf(fmt "-" fmt, lo / scale, hi / scale)
}
function cell(v, scale, fmt) { return v == "" ? "FAIL" : sprintf(fmt, v / scale) }
$3 == "NOTE" { r = $0; sub(/^[^ ]+ [^ ]+ NOTE /, "", r); if ($1 != "all") r = $1 " #" $2 ": " r
	if (r !~ /: done$/) notes[++nn] = r; next }
$3 == "FAIL" { r = $0; sub(/^[^ ]+ [^ ]+ FAIL /, "", r); fails[++nf] = $1 " #" $2 ": " r; next }
NF == 4 { k = $1 SUBSEP $3; val[k, ++cnt[k]] = $4 + 0 }
END {
	nm = split("start_ready start_child start_bgp rss_kib pss_kib cpu_idle_ms_min sched_idle_ms_min cpu_rekey_ms sched_rekey_ms rekey_s pss_rekey_kib", m, " ")
	label["start_ready"] = "start -> daemon(s) ready";       unit["start_ready"] = "s";   sc["start_ready"] = 1;    fm["start_ready"] = "%.1f"
	label["start_child"] = "start -> both CHILD SAs up";     unit["start_child"] = "s";   sc["start_child"] = 1;    fm["start_child"] = "%.1f"
	label["start_bgp"] = "start -> both BGP established";     unit["start_bgp"] = "s";     sc["start_bgp"] = 1;      fm["start_bgp"] = "%.1f"
	label["rss_kib"] = "steady RSS (sum of processes)";       unit["rss_kib"] = "MiB";     sc["rss_kib"] = 1024;     fm["rss_kib"] = "%.1f"
	label["pss_kib"] = "steady PSS (sum of processes)";       unit["pss_kib"] = "MiB";     sc["pss_kib"] = 1024;     fm["pss_kib"] = "%.1f"
	label["cpu_idle_ms_min"] = "CPU at rest (utime+stime, ticks)"; unit["cpu_idle_ms_min"] = "ms/min"; sc["cpu_idle_ms_min"] = 1; fm["cpu_idle_ms_min"] = "%.0f"
	label["sched_idle_ms_min"] = "CPU at rest (schedstat, ns clock)"; unit["sched_idle_ms_min"] = "ms/min"; sc["sched_idle_ms_min"] = 1; fm["sched_idle_ms_min"] = "%.1f"
	label["cpu_rekey_ms"] = "CPU per CHILD SA rekey (ticks)";   unit["cpu_rekey_ms"] = "ms"; sc["cpu_rekey_ms"] = 1;   fm["cpu_rekey_ms"] = "%.0f"
	label["sched_rekey_ms"] = "CPU per rekey (schedstat, ns clock)"; unit["sched_rekey_ms"] = "ms"; sc["sched_rekey_ms"] = 1; fm["sched_rekey_ms"] = "%.1f"
	label["rekey_s"] = "rekey requested -> new SAs in kernel";  unit["rekey_s"] = "s";       sc["rekey_s"] = 1;        fm["rekey_s"] = "%.1f"
	label["pss_rekey_kib"] = "PSS after the rekeys";          unit["pss_rekey_kib"] = "MiB"; sc["pss_rekey_kib"] = 1024; fm["pss_rekey_kib"] = "%.1f"
	short["start_ready"] = "ready"; short["start_child"] = "SAs up"; short["start_bgp"] = "BGP up"; short["rss_kib"] = "RSS"
	short["pss_kib"] = "PSS"; short["cpu_idle_ms_min"] = "CPU idle"; short["cpu_rekey_ms"] = "CPU/rekey"; short["sched_idle_ms_min"] = "CPU idle (ns clock)"; short["sched_rekey_ms"] = "CPU/rekey (ns clock)"
	short["rekey_s"] = "rekey time"; short["pss_rekey_kib"] = "PSS after rekeys"

	print "Footprint benchmark: cgwd vs the reference CGW (strongSwan charon + BIRD 2),"
	print "same AWS VGW emulator, same lab VM boot, runs interleaved. Absolute numbers"
	print "come from QEMU TCG (software-emulated CPU) on a shared host and mean little;"
	print "the ratio cgwd/reference is the point (< 1: cgwd is smaller / faster)."
	print ""
	printf "%-36s %-6s %9s %9s %6s  %-5s %s\n", "metric (median)", "unit", "cgwd", "reference", "ratio", "n", "range cgwd | reference"
	bad = 0; summ = ""
	for (i = 1; i <= nm; i++) {
		k = m[i]
		a = median("cgwd" SUBSEP k); b = median("reference" SUBSEP k)
		if ((a == "" || b == "") && k !~ /^sched_/) bad = 1
		ratio = (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b)
		printf "%-36s %-6s %9s %9s %6s  %-5s %s | %s\n", label[k], unit[k], cell(a, sc[k], fm[k]), cell(b, sc[k], fm[k]), ratio,
			(cnt["cgwd" SUBSEP k] + 0) "/" (cnt["reference" SUBSEP k] + 0), range("cgwd" SUBSEP k, sc[k], fm[k]), range("reference" SUBSEP k, sc[k], fm[k])
		summ = summ sprintf("%s%s %s", i > 1 ? ", " : "", short[k], ratio == "-" ? "n/a" : ratio "x")
	}
	print ""
	print "summary: cgwd/reference: " summ
	if (nn) { print ""; print "notes:"; for (i = 1; i <= nn; i++) print "  " notes[i] }
	if (nf) { print ""; print "failures:"; for (i = 1; i <= nf; i++) print "  " fails[i] }
	exit bad
}' "$res"
