#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# check-format.sh: every C/C++ source tracked by git follows .clang-format (clang-format 14), except generated
# files (those that say "generated" in their first three lines: golden vectors, exported models).
# Usage: scripts/check-format.sh [--fix]
set -uo pipefail
cd "$(dirname "$0")/.."
fmt=$(command -v clang-format-14 || command -v clang-format) || { echo "check-format: clang-format not installed"; exit 2; }
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "check-format: not a git checkout"; exit 2; }
fix=0
[ "${1:-}" = "--fix" ] && fix=1
checked=0
bad=()
while IFS= read -r f; do
  head -n 3 "$f" | grep -qi 'generated' && continue
  checked=$((checked + 1))
  if [ $fix -eq 1 ]; then
    "$fmt" -i "$f"
  elif ! "$fmt" --dry-run -Werror "$f" >/dev/null 2>&1; then
    bad+=("$f")
  fi
done < <(git ls-files '*.hpp' '*.cpp' '*.cc' '*.h' '*.c')
if [ ${#bad[@]} -gt 0 ]; then
  echo "check-format: ${#bad[@]} of ${checked} files differ from .clang-format (fix: scripts/check-format.sh --fix):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "check-format: ${checked} files follow .clang-format"
