#!/bin/sh
# cgwd -n and cgwctl import-aws against the shipped examples and the AWS
# samples: good files pass, a broken one names file:line, an import loads.
set -eu
cd "$(dirname "$0")/../.."
t=$(mktemp -d /tmp/cgw-conf-sys.XXXXXX)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for f in contrib/examples/*.conf; do
	out=$(./cgwd -n -f "$f" 2>&1) || fail "$f: $out"
	[ "$out" = "configuration OK" ] || fail "$f: unexpected output: $out"
done

printf 'asn 65000\nrouter-id 192.0.2.1\nvpn v {\n local 192.0.2.1\n peer-asn 65000\n tunnel t1 { remote 198.51.100.1 inside 169.254.3.2/30 psk "Secret.value_1" }\n}\n' >"$t/bad.conf"
if ./cgwd -n -f "$t/bad.conf" >"$t/out" 2>"$t/err"; then
	fail "broken config accepted"
fi
grep -q "^$t/bad.conf:6: error: inside 169.254.3.2/30: 169.254.3.0/30 is reserved" "$t/err" ||
	fail "no reserved-range error: $(cat "$t/err")"
grep -q "^$t/bad.conf:3: error: vpn \"v\": peer-asn 65000 equals our asn" "$t/err" ||
	fail "no eBGP error: $(cat "$t/err")"
! grep -q "Secret.value_1" "$t/out" "$t/err" || fail "PSK printed"

./cgwctl import-aws tests/conf/aws/vpn-basic.xml --name aws-prod \
	--network 10.224.0.0/12 >"$t/imported.conf" 2>"$t/err" || fail "import: $(cat "$t/err")"
grep -q "psk-file" "$t/err" || fail "no advice to move the PSKs: $(cat "$t/err")"
grep -q '^vpn "aws-prod" {' "$t/imported.conf" || fail "no vpn block"
out=$(./cgwd -n -f "$t/imported.conf" 2>&1) || fail "imported config: $out"

./cgwctl import-aws - <tests/conf/aws/describe-two.json >"$t/two.conf" 2>/dev/null ||
	fail "import from stdin"
[ "$(grep -c '^vpn ' "$t/two.conf")" = 2 ] || fail "two connections expected"
./cgwd -n -f "$t/two.conf" >/dev/null 2>&1 || fail "imported JSON config"

if ./cgwctl import-aws tests/conf/aws/bad-missing-psk.xml >"$t/out" 2>"$t/err"; then
	fail "broken AWS file accepted"
fi
grep -q "missing element <ike/pre_shared_key>" "$t/err" || fail "$(cat "$t/err")"
[ ! -s "$t/out" ] || fail "output on failure"
echo "conf_check: ok"
