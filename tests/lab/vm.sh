#!/bin/bash
# Boot Debian's kernel under QEMU (TCG) and run one scenario script inside
# as root, with the host's filesystem visible read-only at the same paths
# (an overlay with a tmpfs on top makes it writable inside) and the results
# directory exported read-write. See tests/lab/README.md.
#
#   vm.sh [--live] SCRIPT OUTDIR [VAR=value ...]   run SCRIPT, logs in OUTDIR
#   vm.sh --prepare                                fetch kernel, build initramfs
#
# Exit status: the scenario's (124 = guest timeout, 137 = host timeout,
# 125 = the VM died before the scenario ended).
# Downloads and extracted files live in LAB_CACHE (/var/cache/cgwd-lab),
# never in the repository.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
CACHE=${LAB_CACHE:-/var/cache/cgwd-lab}
TIMEOUT=${LAB_TIMEOUT:-600}	# guest-side limit for the scenario, seconds
MEM=${LAB_MEM:-1024}
SMP=${LAB_SMP:-2}
# Loaded before the scenario starts; anything else loads on demand.
PRELOAD="veth bridge xfrm_user xfrm_interface esp4 esp6 xfrm4_tunnel tunnel4
	drbg jitterentropy_rng ctr ghash_generic echainiv
	gcm seqiv authenc cbc hmac sha256_generic sha512_generic nf_tables"
BOOTMODS="virtio_pci 9pnet_virtio 9p overlay"

die() { echo "vm: $*" >&2; exit 1; }
note() { echo "vm: $*" >&2; }

# Resolve the kernel ABI package behind linux-image-amd64, download and
# extract it once into the cache. Sets KDIR and KVER.
lab_kernel() {
	local abi ver d tmp
	abi=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
	if [ -z "$abi" ]; then
		apt-get update -qq >/dev/null 2>&1 || true
		abi=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
	fi
	if [ -z "$abi" ]; then
		# Offline: use whatever was cached last.
		d=$(ls -d "$CACHE"/kernel/linux-image-*/ 2>/dev/null | tail -n1)
		[ -n "$d" ] && [ -e "$d/.done" ] || die "cannot resolve linux-image-amd64 and nothing cached"
		KDIR=${d%/}
	else
		ver=$(apt-cache policy "$abi" | awk '/Candidate:/ {print $2}')
		KDIR=$CACHE/kernel/${abi}_$ver
		if [ ! -e "$KDIR/.done" ]; then
			note "fetching $abi $ver (about 70 MB, once) into $CACHE"
			tmp=$CACHE/kernel/.tmp.$$
			rm -rf "$tmp"; mkdir -p "$tmp"
			(cd "$tmp" && apt-get download -q "$abi=$ver" >/dev/null 2>&1) ||
				(cd "$tmp" && apt-get download "$abi=$ver") ||
				die "apt-get download $abi failed"
			dpkg-deb -x "$tmp"/*.deb "$tmp/root"
			rm -f "$tmp"/*.deb
			rm -rf "$KDIR"
			mv "$tmp/root" "$KDIR"
			rmdir "$tmp"
		fi
	fi
	KVER=$(ls "$KDIR/lib/modules" | head -n1)
	[ -n "$KVER" ] && [ -f "$KDIR/boot/vmlinuz-$KVER" ] || die "no kernel in $KDIR"
	if [ ! -e "$KDIR/.done" ]; then
		depmod -b "$KDIR" "$KVER"
		touch "$KDIR/.done"
	fi
}

# A busybox initramfs holding the modules needed to mount 9p and overlay.
# Named by a hash of its inputs, so a change in any of them rebuilds it.
lab_initrd() {
	local bb boot pre h tmp m rel list=""
	# busybox-static's binary: the initramfs has no libc.
	bb=/bin/busybox
	[ -x "$bb" ] || die "busybox missing (busybox-static)"
	# The preloaded modules ride along too (insmod from RAM beats modprobe
	# over 9p under TCG), loaded once the root is up: some ask the kernel's
	# module helper for more while they initialise.
	boot=$(modprobe -d "$KDIR" -S "$KVER" -a --show-depends $BOOTMODS |
		awk '$1 == "insmod" && !seen[$2]++ {print $2}')
	pre=$(modprobe -d "$KDIR" -S "$KVER" -a --show-depends $PRELOAD |
		awk -v boot="$(echo $boot)" 'BEGIN {n = split(boot, b, " "); for (i = 1; i <= n; i++) seen[b[i]] = 1}
			$1 == "insmod" && !seen[$2]++ {print $2}')
	h=$( { cat "$here/guest/init" "$bb"; echo "$KDIR $KVER $boot $pre"; } |
		sha256sum | cut -c1-16)
	INITRD=$CACHE/initrd-$h.cpio.gz
	[ -s "$INITRD" ] && return 0
	note "building initramfs $INITRD"
	rm -f "$CACHE"/initrd-*.cpio.gz
	tmp=$CACHE/.initrd.$$
	rm -rf "$tmp"; mkdir -p "$tmp/bin" "$tmp/mods"
	cp "$bb" "$tmp/bin/busybox"
	cp "$here/guest/init" "$tmp/init"; chmod 755 "$tmp/init"
	: > "$tmp/mods/order"; : > "$tmp/mods/preload"
	for m in $boot -- $pre; do
		[ "$m" = -- ] && { list=preload; continue; }
		rel=$(basename "$m")
		case $m in
		*.xz) xz -dc "$m" > "$tmp/mods/${rel%.xz}"; rel=${rel%.xz} ;;
		*.zst) zstd -qdc "$m" > "$tmp/mods/${rel%.zst}"; rel=${rel%.zst} ;;
		*) cp "$m" "$tmp/mods/$rel" ;;
		esac
		echo "$rel" >> "$tmp/mods/${list:-order}"
	done
	(cd "$tmp" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"
	rm -rf "$tmp"
}

prepare() {
	mkdir -p "$CACHE/kernel"
	# One builder at a time; concurrent runs wait, then find it done.
	exec 9>"$CACHE/lock"
	flock 9
	lab_kernel
	lab_initrd
	flock -u 9
}

live=0
if [ "${1:-}" = --prepare ]; then
	t0=$(date +%s.%N)
	prepare
	note "kernel $KVER in $KDIR, initramfs $INITRD ($(echo "$(date +%s.%N) $t0" | awk '{printf "%.1f", $1 - $2}')s)"
	exit 0
fi
[ "${1:-}" = --live ] && { live=1; shift; }
[ $# -ge 2 ] || die "usage: vm.sh [--live] SCRIPT OUTDIR [VAR=value ...]"
script=$(readlink -f "$1"); out=$2; shift 2
[ -f "$script" ] || die "no script $script"
[ "$(id -u)" = 0 ] || die "must run as root (QEMU exports / over 9p)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86 missing: run contrib/deps/install.sh"
case "$repo$script$out" in *[[:space:]]*) die "paths must not contain spaces" ;; esac
prepare
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/status "$out"/console.log

# What the guest's second stage reads: where things are, plus the caller's
# VAR=value pairs.
{
	echo "LAB_REPO=$repo"
	echo "LAB_OUT=$out"
	echo "LAB_SCRIPT=$script"
	echo "LAB_PRELOAD=\"$(echo $PRELOAD)\""
	for kv in "$@"; do
		case $kv in *=*) printf '%s=%q\n' "${kv%%=*}" "${kv#*=}" ;; esac
	done
} > "$out/lab.env"

htimeout=$((TIMEOUT + 60))
qemu_pid=""
cleanup() { [ -n "$qemu_pid" ] && kill -KILL "$qemu_pid" 2>/dev/null; true; }
trap cleanup EXIT INT TERM

: > "$out/console.log"
start=$(date +%s.%N)
qemu-system-x86_64 -nodefaults -no-user-config -accel tcg,thread=multi \
	-cpu max -smp "$SMP" -m "$MEM" -display none -no-reboot \
	-serial "file:$out/console.log" \
	-kernel "$KDIR/boot/vmlinuz-$KVER" -initrd "$INITRD" \
	-append "console=ttyS0 quiet panic=-1 mitigations=off no_timer_check cgwlab.out=$out cgwlab.repo=$repo cgwlab.kdir=$KDIR cgwlab.kver=$KVER cgwlab.timeout=$TIMEOUT" \
	-fsdev local,id=hostfs,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostfs,mount_tag=host \
	-fsdev local,id=outfs,path="$out",security_model=none \
	-device virtio-9p-pci,fsdev=outfs,mount_tag=out \
	</dev/null >"$out/qemu.log" 2>&1 &
qemu_pid=$!
if [ $live = 1 ]; then
	tail -n +1 -f --pid="$qemu_pid" "$out/console.log" 2>/dev/null &
fi
rc=0
# Host-side limit: a hung guest must not hang the test run.
waited=0
while kill -0 "$qemu_pid" 2>/dev/null; do
	if [ $waited -ge $((htimeout * 5)) ]; then
		note "host timeout (${htimeout}s): killing QEMU"
		kill -KILL "$qemu_pid" 2>/dev/null || true
		rc=137
		break
	fi
	sleep 0.2
	waited=$((waited + 1))
done
wait "$qemu_pid" 2>/dev/null || true
qemu_pid=""
[ $live = 1 ] && sleep 0.3
echo "$(date +%s.%N) $start" | awk '{printf "%.1f\n", $1 - $2}' > "$out/vm-seconds"
if [ $rc = 0 ]; then
	if [ -s "$out/status" ]; then
		rc=$(cat "$out/status")
	else
		note "VM ended without a status (see $out/console.log)"
		rc=125
	fi
else
	echo "$rc" > "$out/status"
fi
exit "$rc"
