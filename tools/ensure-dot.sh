#!/usr/bin/env bash
# Make sure the graphviz `dot` program is on PATH (pictures of graphs need it).
# As root with apt-get it installs Debian's `graphviz` package; otherwise it says what to
# install and carries on (everything but rendering pictures of graphs works without it).
set -u
if command -v dot >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "tinygrad-scalar: installing the system package 'graphviz' (for the dot program)..."
  if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz; } >/dev/null; then
    command -v dot >/dev/null 2>&1 && exit 0
  fi
  echo "tinygrad-scalar: could not install graphviz with apt-get." >&2
fi
cat >&2 <<'MSG'
tinygrad-scalar: the 'dot' program (system package 'graphviz') is missing; graph pictures
cannot be rendered until it is installed:
  Debian/Ubuntu: sudo apt-get install graphviz     macOS: brew install graphviz
  Fedora: sudo dnf install graphviz                 conda: conda install graphviz
MSG
exit 0
