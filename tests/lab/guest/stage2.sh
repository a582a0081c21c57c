#!/bin/bash
# Second stage inside the lab VM (root, in the overlay root): loads the
# modules the lab needs and runs the scenario; its output goes to
# OUT/scenario.log and to the console.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
for kv in $(cat /proc/cmdline); do
	case $kv in cgwlab.out=*) out=${kv#*=} ;; esac
done
set -a
. "$out/lab.env"
set +a
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm 2>/dev/null
ln -sf /proc/self/fd /dev/fd 2>/dev/null
hostname lab
ip link set lo up
modprobe -a $LAB_PRELOAD || echo "stage2: modprobe -a $LAB_PRELOAD failed"
# Instantiate the ESP transforms once: the first SA with a new algorithm
# makes the kernel ask for several module names through the module
# helper, seconds under TCG; later SAs then find them registered.
ip netns add labwarm
k16=0x000102030405060708090a0b0c0d0e0f10111213
k32=0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223
h=0x000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f
spi=256
for a in "aead rfc4106(gcm(aes)) $k16 128" "aead rfc4106(gcm(aes)) $k32 128" \
	"enc cbc(aes) ${k16%????????} auth-trunc hmac(sha1) ${h:0:42} 96" \
	"enc cbc(aes) ${k16%????????} auth-trunc hmac(sha256) ${h:0:66} 128"; do
	t=$(cut -d' ' -f1 /proc/uptime)
	ip -n labwarm xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi $spi \
		mode tunnel $a || echo "stage2: warm-up of $a failed"
	echo "stage2: warm-up ${a%% 0x*} ${a##* }: $(awk -v t=$t '{print $1 - t}' /proc/uptime)s"
	spi=$((spi + 1))
done
ip netns del labwarm
echo "stage2: ready after $(cut -d' ' -f1 /proc/uptime)s, running $LAB_SCRIPT"
cd "$LAB_REPO" || exit 1
# pipefail: the scenario's status, not tee's.
set -o pipefail
bash "$LAB_SCRIPT" 2>&1 | tee "$LAB_OUT/scenario.log" > /dev/console
