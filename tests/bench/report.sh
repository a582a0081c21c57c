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
function cell(v, scale, fmt) { return v == "" ? "FAIL" : sprintf(fmt, v / scale) }
$3 == "NOTE" { r = $0; sub(/^[^ ]+ [^ ]+ NOTE /, "", r); r = $1 " #" $2 ": " r
	if (r !~ /: done$/) notes[++nn] = r; next }
$3 == "FAIL" { r = $0; sub(/^[^ ]+ [^ ]+ FAIL /, "", r); fails[++nf] = $1 " #" $2 ": " r; next }
NF == 4 { k = $1 SUBSEP $3; val[k, ++cnt[k]] = $4 }
END {
	nm = split("start_child start_bgp rss_kib pss_kib cpu_idle_ms_min cpu_rekey_ms rekey_s pss_rekey_kib", m, " ")
	label["start_child"] = "start -> both CHILD SAs up";     unit["start_child"] = "s";   sc["start_child"] = 1;    fm["start_child"] = "%.1f"
	label["start_bgp"] = "start -> both BGP established";     unit["start_bgp"] = "s";     sc["start_bgp"] = 1;      fm["start_bgp"] = "%.1f"
	label["rss_kib"] = "steady RSS (sum of processes)";       unit["rss_kib"] = "MiB";     sc["rss_kib"] = 1024;     fm["rss_kib"] = "%.1f"
	label["pss_kib"] = "steady PSS (sum of processes)";       unit["pss_kib"] = "MiB";     sc["pss_kib"] = 1024;     fm["pss_kib"] = "%.1f"
	label["cpu_idle_ms_min"] = "CPU at rest (DPD+keepalives)"; unit["cpu_idle_ms_min"] = "ms/min"; sc["cpu_idle_ms_min"] = 1; fm["cpu_idle_ms_min"] = "%.0f"
	label["cpu_rekey_ms"] = "CPU per CHILD SA rekey (PFS)";   unit["cpu_rekey_ms"] = "ms"; sc["cpu_rekey_ms"] = 1;   fm["cpu_rekey_ms"] = "%.0f"
	label["rekey_s"] = "rekey command -> new SAs in kernel";  unit["rekey_s"] = "s";       sc["rekey_s"] = 1;        fm["rekey_s"] = "%.1f"
	label["pss_rekey_kib"] = "PSS after the rekeys";          unit["pss_rekey_kib"] = "MiB"; sc["pss_rekey_kib"] = 1024; fm["pss_rekey_kib"] = "%.1f"
	short["start_child"] = "SAs up"; short["start_bgp"] = "BGP up"; short["rss_kib"] = "RSS"
	short["pss_kib"] = "PSS"; short["cpu_idle_ms_min"] = "CPU idle"; short["cpu_rekey_ms"] = "CPU/rekey"
	short["rekey_s"] = "rekey time"; short["pss_rekey_kib"] = "PSS after rekeys"

	print "Footprint benchmark: cgwd vs the reference CGW (strongSwan charon + BIRD 2),"
	print "same AWS VGW emulator, same lab VM boot, runs interleaved. Absolute numbers"
	print "come from QEMU TCG (software-emulated CPU) on a shared host and mean little;"
	print "the ratio cgwd/reference is the point (< 1: cgwd is smaller / faster)."
	print ""
	printf "%-36s %-6s %10s %10s %8s  %s\n", "metric", "unit", "cgwd", "reference", "ratio", "samples (cgwd/ref)"
	bad = 0; summ = ""
	for (i = 1; i <= nm; i++) {
		k = m[i]
		a = median("cgwd" SUBSEP k); b = median("reference" SUBSEP k)
		if (a == "" || b == "") bad = 1
		ratio = (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b)
		printf "%-36s %-6s %10s %10s %8s  %d/%d\n", label[k], unit[k], cell(a, sc[k], fm[k]), cell(b, sc[k], fm[k]), ratio, cnt["cgwd" SUBSEP k], cnt["reference" SUBSEP k]
		summ = summ sprintf("%s%s %s", i > 1 ? ", " : "", short[k], ratio == "-" ? "n/a" : ratio "x")
	}
	print ""
	print "summary: cgwd/reference: " summ
	if (nn) { print ""; print "notes:"; for (i = 1; i <= nn; i++) print "  " notes[i] }
	if (nf) { print ""; print "failures:"; for (i = 1; i <= nf; i++) print "  " fails[i] }
	exit bad
}' "$res"
