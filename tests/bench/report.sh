#!/bin/bash
# Print the benchmark tables from results files:
#   report.sh [RESULTS...]   (default: tests/bench/out/footprint/results.txt,
#                             tests/bench/out/failover/results.txt and
#                             tests/bench/out/flood/results.txt, those that
#                             exist)
# Footprint (footprint-guest.sh): one row per metric: cgwd, reference,
# ratio cgwd/reference (the median of every sample of that metric), then a
# one-line summary. Failover (failover-guest.sh): per failure kind, the
# outage and loss of each direction for cgwd and the reference, the ratio
# and issue 9's target. Flood (flood-guest.sh): per flood, the daemons'
# CPU share, t2's losses and rekey, what the flood got back, for both.
# A cell without a value prints FAIL. Exit 1 if any
# cell is FAIL.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ $# = 0 ]; then
	for f in "$here/out/footprint/results.txt" "$here/out/failover/results.txt" \
		"$here/out/flood/results.txt"; do
		[ -r "$f" ] && set -- "$@" "$f"
	done
	[ $# -gt 0 ] || { echo "bench: no results in $here/out/"; exit 1; }
fi

# report_failover FILE: the failover table.
report_failover() {
awk '
function kv(line, key,    n, i, a, f) {
	n = split(line, a, " ")
	for (i = 1; i <= n; i++) if (index(a[i], key "=") == 1) { f = substr(a[i], length(key) + 2); gsub(/[s"]$/, "", f); return f }
	return ""
}
function cell(k, i, m) { return ((k, i, m) in v) ? v[k, i, m] : "FAIL" }
function ratio(a, b) { return (a == "FAIL" || b == "FAIL" || a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
function row(k, label, m, target,    a, b, r) {
	a = cell(k, "cgwd", m); b = cell(k, "reference", m)
	if (a == "FAIL" || b == "FAIL") bad = 1
	r = ratio(a, b)
	printf "%-34s %-22s %9s %10s %6s  %s\n", label, mname[m], a, b, r, target
	return r
}
/^note / { notes[++nn] = substr($0, 6); next }
/^kind=/ {
	k = kv($0, "kind"); i = kv($0, "impl"); ran[k] = 1
	if ($0 ~ / error=/) { e = $0; sub(/.* error=/, "", e); errs[++ne] = i " kind " k ": " e; next }
	split("lan_vpc_outage vpc_lan_outage lost_lan_vpc lost_vpc_lan back back_lost_lan_vpc back_lost_vpc_lan failovers vgw_failovers", ms, " ")
	for (j in ms) { x = kv($0, ms[j]); if (x != "") v[k, i, ms[j]] = x }
	if ($0 ~ /unrecovered_after=/) unrec[k, i] = kv($0, "unrecovered_after")
	next
}
END {
	mname["lan_vpc_outage"] = "outage LAN->VPC (s)"; mname["vpc_lan_outage"] = "outage VPC->LAN (s)"
	mname["lost_lan_vpc"] = "lost LAN->VPC (pkts)"; mname["lost_vpc_lan"] = "lost VPC->LAN (pkts)"
	mname["back"] = "back on t1 after (s)"; mname["back_lost_lan_vpc"] = "lost on return L->V"; mname["back_lost_vpc_lan"] = "lost on return V->L"
	mname["failovers"] = "tunnels declared dead"; mname["vgw_failovers"] = "VGW-side deaths"
	title["a"] = "a path to endpoint 1 blackholed"; title["b"] = "b endpoint 1 dies"
	title["c"] = "c only CGW -> endpoint 1 lost"; title["d"] = "d 10% loss + 200 ms jitter"
	title["e"] = "e AWS maintenance, endpoint 1"
	print "Failover benchmark: cgwd vs the reference CGW (strongSwan + BIRD with the"
	print "timers of AWS guides), same AWS VGW emulator (its timers at AWS values), same"
	print "lab VM boot. Failure on tunnel 1 while sequenced streams run both ways; outage"
	print "= longest gap between arrivals in that direction (includes ~0.3 s TCG noise)."
	print "Ratio cgwd/reference: < 1 is faster. Target: issue 9."
	print ""
	printf "%-34s %-22s %9s %10s %6s  %s\n", "failure kind", "figure", "cgwd", "reference", "ratio", "target"
	bad = 0
	for (n = 1; n <= 5; n++) {
		k = substr("abcde", n, 1)
		if (!(k in ran)) continue	# only the kinds that were run
		if (k == "d") {
			r = row(k, title[k], "failovers", "0")
			row(k, "", "vgw_failovers", "0")
			row(k, "", "lost_lan_vpc", "(~10% expected)")
			row(k, "", "lost_vpc_lan", "")
			summ = summ sprintf(" d=%s/%s deaths", cell(k, "cgwd", "failovers"), cell(k, "reference", "failovers"))
			continue
		}
		t3 = (k == "e") ? "" : "<= 3 s"
		tl = (k == "e") ? "0" : ""
		r1 = row(k, title[k], "lan_vpc_outage", t3)
		r2 = row(k, "", "vpc_lan_outage", t3)
		row(k, "", "lost_lan_vpc", tl)
		row(k, "", "lost_vpc_lan", tl)
		row(k, "", "back", "")
		row(k, "", "back_lost_lan_vpc", "")
		row(k, "", "back_lost_vpc_lan", "")
		if ((k, "cgwd") in unrec) printf "%-34s %s\n", "", "cgwd: not flowing again within " unrec[k, "cgwd"] "s"
		if ((k, "reference") in unrec) printf "%-34s %s\n", "", "reference: not flowing again within " unrec[k, "reference"] "s"
		summ = summ sprintf(" %s=%s/%s", k, r1, r2)
	}
	print ""
	print "summary: cgwd/reference outage ratio LAN->VPC/VPC->LAN:" summ
	if (nn) { print ""; print "notes:"; for (j = 1; j <= nn; j++) print "  " notes[j] }
	if (ne) { print ""; print "errors:"; for (j = 1; j <= ne; j++) print "  " errs[j] }
	exit bad
}' "$1"
}

# report_flood FILE: the flood table.
report_flood() {
awk '
function kv(line, key,    n, i, a) {
	n = split(line, a, " ")
	for (i = 1; i <= n; i++) if (index(a[i], key "=") == 1) return substr(a[i], length(key) + 2)
	return ""
}
function cell(f, i, m) { return ((f, i, m) in v && v[f, i, m] != "") ? v[f, i, m] : "FAIL" }
function ratio(a, b) { return (a == "FAIL" || b == "FAIL" || a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
function row(f, label, m, target,    a, b) {
	a = cell(f, "cgwd", m); b = cell(f, "reference", m)
	if (a == "FAIL" || b == "FAIL") bad = 1
	printf "%-30s %-28s %9s %10s %6s  %s\n", label, mname[m], a, b, ratio(a, b), target
}
/^note / { notes[++nn] = substr($0, 6); next }
/^flood=/ {
	f = kv($0, "flood"); i = kv($0, "impl")
	if ($0 ~ / error=/) { e = $0; sub(/.* error=/, "", e); errs[++ne] = i " " f ": " e; if (f != "all") ran[f] = 1; next }
	ran[f] = 1
	split("cpu t2_lost t2_gap rekey_s tunnels_up rate resp_cookie resp_init resp_none echoed", ms, " ")
	for (j in ms) v[f, i, ms[j]] = kv($0, ms[j])
	if (kv($0, "rekey") == "no") v[f, i, "rekey_s"] = "never"
	next
}
END {
	mname["cpu"] = "daemon CPU share (%)"; mname["t2_lost"] = "t2 pings lost (5/s)"
	mname["t2_gap"] = "t2 longest ping gap (s)"; mname["rekey_s"] = "t2 rekey done after (s)"
	mname["tunnels_up"] = "tunnels up after (of 2)"; mname["rate"] = "flood rate achieved (/s)"
	mname["resp_cookie"] = "answered COOKIE"; mname["resp_init"] = "answered IKE_SA_INIT (DH)"
	mname["resp_none"] = "not answered"; mname["echoed"] = "cookies echoed"
	title["plain"] = "plain IKE_SA_INIT flood"; title["echo"] = "cookie-echoing flood"
	print "Flood benchmark: cgwd vs the reference CGW (strongSwan charon + BIRD 2, charon"
	print "defaults: cookies from 30 half-open or 3 from one address, 5 half-open per"
	print "address), same AWS VGW emulator, same lab VM boot. IKE_SA_INIT requests from"
	print "vgw1'"'"'s address (random SPI, nonce, KE each) while t2 carries a 5/s ping and"
	print "does a CHILD rekey. Ratio cgwd/reference: < 1 is less."
	print ""
	printf "%-30s %-28s %9s %10s %6s  %s\n", "flood", "figure", "cgwd", "reference", "ratio", "target"
	bad = 0
	split("plain echo", fl, " ")
	for (n = 1; n <= 2; n++) {
		f = fl[n]
		if (!(f in ran)) continue
		row(f, title[f], "cpu", "bounded")
		row(f, "", "t2_lost", "0")
		row(f, "", "t2_gap", "")
		row(f, "", "rekey_s", "done")
		row(f, "", "tunnels_up", "2")
		row(f, "", "rate", "")
		row(f, "", "resp_cookie", "")
		row(f, "", "resp_init", "")
		row(f, "", "resp_none", "")
		if (f == "echo") row(f, "", "echoed", "")
		summ = summ sprintf(" %s: CPU %s, t2 lost %s/%s, rekey %s/%s;", f, ratio(cell(f, "cgwd", "cpu"), cell(f, "reference", "cpu")),
			cell(f, "cgwd", "t2_lost"), cell(f, "reference", "t2_lost"), cell(f, "cgwd", "rekey_s"), cell(f, "reference", "rekey_s"))
	}
	print ""
	print "summary: cgwd/reference" summ
	if (nn) { print ""; print "notes:"; for (j = 1; j <= nn; j++) print "  " notes[j] }
	if (ne) { print ""; print "errors:"; for (j = 1; j <= ne; j++) print "  " errs[j] }
	exit bad
}' "$1"
}

# report_footprint FILE: the footprint table.
report_footprint() {
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
}' "$1"
}

st=0
for res in "$@"; do
	[ -r "$res" ] || { echo "bench: no results ($res)"; st=1; continue; }
	if grep -q '^kind=' "$res" || grep -q '^note settings: kinds' "$res"; then
		report_failover "$res" || st=1
	elif grep -q '^flood=' "$res" || grep -q '^note settings: floods' "$res"; then
		report_flood "$res" || st=1
	else
		report_footprint "$res" || st=1
	fi
	[ $# -gt 1 ] && echo
done
exit $st
