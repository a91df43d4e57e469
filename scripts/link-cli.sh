#!/usr/bin/env bash
# Puts `faultline` on the PATH for `npm run playground`: `npm link` makes a symlink in npm's
# global bin to this checkout's bin/faultline.js (no npx in front: it answers in a fraction of
# a second). Where npm's global folder is not writable, says how to get the same with an alias.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="$root/bin/faultline.js"
on_path() { [ "$(readlink -f "$(command -v faultline 2>/dev/null)" 2>/dev/null)" = "$cli" ]; }

on_path && exit 0
if ! (cd "$root" && npm link --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
  printf 'cli: npm link could not write to %s; for the `faultline` command, run:\n  alias faultline=%q\n' \
    "$(npm prefix -g)" "$cli"
  exit 0
fi
hash -r
if on_path; then
  printf 'cli: `faultline` is on the PATH (%s)\n' "$(command -v faultline)"
else
  printf 'cli: npm linked `faultline` into %s/bin, which is not on the PATH; add it, or run:\n  alias faultline=%q\n' \
    "$(npm prefix -g)" "$cli"
fi
