#!/usr/bin/env bash
# Renders a report.html with headless Chromium into a PNG, to look at what a person sees.
#
#   scripts/screenshot-report.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#
# The example in docs/report-screenshot.png comes from the test report:
#   V2I_REPORT_EXAMPLE_DIR=/tmp/report-example cargo test -p migration-cli --test it report::write_all
#   scripts/screenshot-report.sh /tmp/report-example/report.html docs/report-screenshot.png
#
# Needs Chromium (Debian: `apt-get install -y chromium`; installed here when missing and run as
# root). The page loads nothing from the network, and Chromium is told not to either.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 ]]; then
  echo "usage: $0 REPORT.html [OUT.png] [WIDTHxHEIGHT]" >&2
  exit 2
fi
report=$(realpath "$1")
out=$(realpath -m "${2:-report-screenshot.png}")
size=${3:-1280x1800}
if [[ ! -f $report ]]; then
  echo "no such file: $report" >&2
  exit 2
fi
if [[ ! $size =~ ^[0-9]+x[0-9]+$ ]]; then
  echo "size must look like 1280x1800, got: $size" >&2
  exit 2
fi

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "Chromium is missing: install it (apt-get install -y chromium) and run again" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: Chromium refuses to run as root with its sandbox on.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --disable-background-networking --disable-component-update --disable-sync \
  --no-first-run --user-data-dir="$profile" \
  --window-size="${size/x/,}" --screenshot="$out" "file://$report" 2>/dev/null
if [[ ! -s $out ]]; then
  echo "Chromium wrote no screenshot" >&2
  exit 1
fi
echo "$out"
