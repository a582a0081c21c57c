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
echo "stage2: ready after $(cut -d' ' -f1 /proc/uptime)s, running $LAB_SCRIPT"
cd "$LAB_REPO"
# pipefail: the scenario's status, not tee's.
set -o pipefail
bash "$LAB_SCRIPT" 2>&1 | tee "$LAB_OUT/scenario.log" > /dev/console
