#!/usr/bin/env bash
# Make sure a headless Chromium and its chromedriver are there (the tests of the HTML pages
# drive them through Selenium). As root with apt-get it installs Debian's `chromium` and
# `chromium-driver`; otherwise it says what to install and carries on (those tests are then
# skipped, with the reason, and everything else works).
set -u
if { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
     || command -v google-chrome >/dev/null 2>&1; } && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "tinygrad-scalar: installing the system packages 'chromium' and 'chromium-driver' (for the page tests)..."
  if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } >/dev/null; then
    command -v chromedriver >/dev/null 2>&1 && exit 0
  fi
  echo "tinygrad-scalar: could not install chromium with apt-get." >&2
fi
cat >&2 <<'MSG'
tinygrad-scalar: no Chromium with chromedriver was found; the tests of the HTML pages will
be skipped until they are installed:
  Debian/Ubuntu: sudo apt-get install chromium chromium-driver
  macOS: brew install --cask chromium && brew install chromedriver
MSG
exit 0
