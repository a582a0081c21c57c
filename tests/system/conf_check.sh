#!/bin/sh
# cgwd -n and cgwctl import-aws against the shipped examples and the AWS
# samples: good files pass, a broken one names file:line, an import loads.
set -eu
cd "$(dirname "$0")/../.."
t=$(mktemp -d /tmp/cgw-conf-sys.XXXXXX)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The examples hold inline keys: in use they are 0600, owned by root.
for f in contrib/examples/*.conf; do
	install -m 0600 "$f" "$t/example.conf"
	out=$(./cgwd -n -f "$t/example.conf" 2>&1) || fail "$f: $out"
	[ "$out" = "configuration OK" ] || fail "$f: unexpected output: $out"
done

# Files holding keys: owned by root (or cgwd's user), no access for group or
# others. A psk-file (its line is 6) and a configuration with an inline psk.
key_conf() {	# FILE psk-line
	printf 'asn 65000\nrouter-id 192.0.2.1\nvpn v {\n local 192.0.2.1\n tunnel t1 { remote 198.51.100.1 inside 169.254.21.2/30\n %s }\n}\n' "$2" >"$1"
}
secret_case() {	# MODE OWNER expected-fragment|ok
	mode=$1 owner=$2 want=$3
	printf 'File.key_mode\n' >"$t/m.psk"
	key_conf "$t/pf.conf" 'psk-file "m.psk"'
	key_conf "$t/inline.conf" 'psk "Inline.key_mode"'
	chmod 0644 "$t/pf.conf"
	for f in "$t/m.psk" "$t/inline.conf"; do
		chmod "$mode" "$f"; chown "$owner" "$f"
		case $f in *.psk) conf=$t/pf.conf ;; *) conf=$f ;; esac
		if [ "$want" = ok ]; then
			out=$(./cgwd -n -f "$conf" 2>&1) ||
				fail "$(basename "$f") mode $mode owner $owner refused: $out"
		else
			if ./cgwd -n -f "$conf" >"$t/out" 2>"$t/err"; then
				fail "$(basename "$f") mode $mode owner $owner accepted"
			fi
			grep -q "^$conf:6: error: .*$want" "$t/err" ||
				fail "$(basename "$f") mode $mode owner $owner: $(cat "$t/err")"
			! grep -q "Inline.key_mode\|File.key_mode" "$t/out" "$t/err" ||
				fail "PSK printed"
		fi
	done
}
secret_case 0600 root ok
secret_case 0400 root ok
secret_case 0602 root "writable by group or others (mode 0602)"
secret_case 0620 root "writable by group or others (mode 0620)"
secret_case 0640 root "readable or writable by group or others (mode 0640)"
secret_case 0644 root "(mode 0644); allowed: 0600 or 0400"
secret_case 0666 root "(mode 0666); allowed: 0600 or 0400"
secret_case 0600 65534 "owned by uid 65534; allowed: owned by root"

printf 'asn 65000\nrouter-id 192.0.2.1\nvpn v {\n local 192.0.2.1\n peer-asn 65000\n tunnel t1 { remote 198.51.100.1 inside 169.254.3.2/30 psk "Secret.value_1" }\n}\n' >"$t/bad.conf"
chmod 600 "$t/bad.conf"
if ./cgwd -n -f "$t/bad.conf" >"$t/out" 2>"$t/err"; then
	fail "broken config accepted"
fi
grep -q "^$t/bad.conf:6: error: inside 169.254.3.2/30: 169.254.3.0/30 is reserved" "$t/err" ||
	fail "no reserved-range error: $(cat "$t/err")"
grep -q "^$t/bad.conf:3: error: vpn \"v\": peer-asn 65000 equals our asn" "$t/err" ||
	fail "no eBGP error: $(cat "$t/err")"
! grep -q "Secret.value_1" "$t/out" "$t/err" || fail "PSK printed"

# The imports hold the keys inline: written 0600, as an operator must.
umask 077
./cgwctl import-aws tests/conf/aws/vpn-basic.xml --name aws-prod \
	--network 10.224.0.0/12 >"$t/imported.conf" 2>"$t/err" || fail "import: $(cat "$t/err")"
grep -q "psk-file" "$t/err" || fail "no advice to move the PSKs: $(cat "$t/err")"
grep -q '^vpn "aws-prod" {' "$t/imported.conf" || fail "no vpn block"
out=$(./cgwd -n -f "$t/imported.conf" 2>&1) || fail "imported config: $out"

./cgwctl import-aws - <tests/conf/aws/describe-two.json >"$t/two.conf" 2>/dev/null ||
	fail "import from stdin"
[ "$(grep -c '^vpn ' "$t/two.conf")" = 2 ] || fail "two connections expected"
./cgwd -n -f "$t/two.conf" >/dev/null 2>&1 || fail "imported JSON config"

# The safe path: keys in psk-files, the configuration written 0600, whatever
# the umask; each tunnel's options from the JSON. Every import passes -n.
umask 022
mkdir -m 700 "$t/etc"
./cgwctl import-aws tests/conf/aws/describe-custom.json --name aws-prod \
	--psk-dir "$t/etc" -o "$t/etc/cgwd.conf" 2>"$t/err" || fail "import: $(cat "$t/err")"
[ "$(stat -c %a "$t/etc/cgwd.conf")" = 600 ] || fail "-o FILE not 0600"
for k in t1 t2; do
	[ "$(stat -c %a "$t/etc/aws-prod-$k.psk")" = 600 ] || fail "key file $k not 0600"
	grep -q "psk-file \"$t/etc/aws-prod-$k.psk\"" "$t/etc/cgwd.conf" ||
		fail "no psk-file for $k"
done
! grep -q "Xq3.example\|Zr7_example" "$t/etc/cgwd.conf" "$t/err" || fail "PSK in the output"
grep -q "ike proposal aes256gcm16-prfsha384-ecp384 lifetime 14400s" "$t/etc/cgwd.conf" ||
	fail "t1's narrowed proposal missing"
out=$(./cgwd -n -f "$t/etc/cgwd.conf" 2>&1) || fail "imported config: $out"
for f in describe-default describe-several; do
	./cgwctl import-aws "tests/conf/aws/$f.json" -o "$t/$f.conf" 2>/dev/null ||
		fail "import $f"
	out=$(./cgwd -n -f "$t/$f.conf" 2>&1) || fail "$f: $out"
done
# A static-routing connection: no BGP, the VPC's prefixes as static lines.
./cgwctl import-aws tests/conf/aws/vpn-static.xml --static 172.31.0.0/16 \
    -o "$t/static.conf" 2>/dev/null || fail "import the static XML"
grep -q "^	static 172.31.0.0/16$" "$t/static.conf" || fail "no static line"
! grep -q "^asn\|peer-asn" "$t/static.conf" || fail "BGP lines in a static import"
out=$(./cgwd -n -f "$t/static.conf" 2>&1) || fail "static: $out"
./cgwctl import-aws tests/conf/aws/describe-static.json -o "$t/static2.conf" \
    2>/dev/null || fail "import the static JSON"
out=$(./cgwd -n -f "$t/static2.conf" 2>&1) || fail "static JSON: $out"
if ./cgwctl import-aws tests/conf/aws/vpn-static.xml >/dev/null 2>"$t/err"; then
	fail "static XML without --static accepted"
fi
grep -q "give them with --static CIDR" "$t/err" || fail "$(cat "$t/err")"
umask 077

if ./cgwctl import-aws tests/conf/aws/bad-missing-psk.xml >"$t/out" 2>"$t/err"; then
	fail "broken AWS file accepted"
fi
grep -q "missing element <ike/pre_shared_key>" "$t/err" || fail "$(cat "$t/err")"
[ ! -s "$t/out" ] || fail "output on failure"
echo "conf_check: ok"
