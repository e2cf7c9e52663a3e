#!/usr/bin/env bash
# markdown_autolinks (ctest label "markdown"): report.md rendered by GitHub's Markdown (Debian's
# cmark-gfm with the autolink and table extensions) holds no link at all, though the logs carry
# URLs (https://, ftp://, HTTPS://), www. names, emails (every UPN is one), mailto: and xmpp:
# text; and that text is still there, character for character, once the tags are stripped.
#
#   tests/markdown/check_autolinks.sh [MINETRACE_BINARY]
#
# Installs cmark-gfm when it is missing (scripts/install-deps cmark-gfm) and exits 77 (ctest:
# skipped) with a message only when it cannot be installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/build/release/app/minetrace}"
[ -x "$bin" ] || { echo "markdown_autolinks: minetrace binary not found: $bin" >&2; exit 1; }
if ! command -v cmark-gfm >/dev/null 2>&1; then
  if ! "$root/scripts/install-deps" cmark-gfm >&2 || ! command -v cmark-gfm >/dev/null 2>&1; then
    echo "markdown_autolinks: SKIPPED: cmark-gfm could not be installed" >&2
    exit 77
  fi
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The intrusion scenario with its creator's UPN, a resource group and a VM name replaced by
# link-shaped text (all of it reaches report.md: callers, resource ids, names).
caller='https://evil.example/a?b=1'
group='www.evil.example'
vm='mailto:vm@evil.example'
mkdir -p "$tmp/in"
find "$root/fixtures/scenarios/intrusion/export-jsonl" -type f -print0 | sort -z |
  xargs -0 awk 1 |
  sed -e "s|jonas.keller@fabrikamrobotics.onmicrosoft.com|$caller|g" \
      -e "s|rg-ds-research|$group|g" -e "s|RG-DS-RESEARCH|$group|g" \
      -e "s|ds-gpu-01|$vm|g" -e "s|DS-GPU-01|$vm|g" > "$tmp/in/export.jsonl"
# The other UPNs stay emails (GFM links those too).
"$bin" investigate "$tmp/in" --out "$tmp/out" -q >/dev/null 2>&1 || true
[ -s "$tmp/out/report.md" ] || { echo "markdown_autolinks: no report.md" >&2; exit 1; }
cmark-gfm -e autolink -e table "$tmp/out/report.md" > "$tmp/report.html"

upn="$(grep -o '[a-z.]*@fabrikamrobotics.onmicrosoft.com' "$tmp/in/export.jsonl" | head -1)"
[ -n "$upn" ] || { echo "markdown_autolinks: the scenario has no UPN left" >&2; exit 1; }
failures=0
if grep -o '<a [^>]*>' "$tmp/report.html" | head -5 | grep -q .; then
  echo "markdown_autolinks: FAIL: log text became links:" >&2
  grep -o '<a [^>]*>' "$tmp/report.html" | sort | uniq -c | sort -rn | head -10 >&2
  failures=1
fi
# The text survives: strip tags and entities, then look for every payload and a UPN.
sed -e 's/<[^>]*>//g' -e 's/&amp;/\&/g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' \
  "$tmp/report.html" > "$tmp/report.txt"
for text in "$caller" "$group" "$vm" "$upn"; do
  if ! grep -qiF -- "$text" "$tmp/report.txt"; then
    echo "markdown_autolinks: FAIL: \"$text\" is not in the rendered report" >&2
    failures=1
  fi
done
[ "$failures" = 0 ] && echo "markdown_autolinks: report.md renders with no link; all text kept"
exit "$failures"
