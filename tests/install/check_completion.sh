#!/usr/bin/env bash
# Checks the bash completion FILE against the einc binary EINC: sourced in
# a fresh bash it registers a completion for einc, offers every flag
# `einc --help` lists, and offers exactly the values of --dump, --path and
# -t that einc's own messages name. Usage: check_completion.sh EINC FILE
set -euo pipefail
einc=$1 file=$2
fail() { echo "completion: $*"; exit 1; }

reg=$(bash -c 'source "$1"; complete -p einc' _ "$file") || fail "sourcing $file registers nothing"
[ "$reg" = "complete -F _einc einc" ] || fail "registered '$reg'"

# offers WORD...: what the completion replies on the command line "einc WORD...",
# the last word being completed, one reply per line, sorted.
offers() {
  bash -c 'source "$1"; shift; COMP_WORDS=(einc "$@"); COMP_CWORD=$#; _einc
           printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$file" "$@"
}

# Every flag of --help, completed from its first two characters, is offered.
flags=$("$einc" --help | grep -oE '^  (-[A-Za-z0-9]+|--[a-z-]+)(, --[a-z-]+)?' | grep -oE -- '-[-A-Za-z0-9]+')
[ "$(printf '%s\n' "$flags" | wc -l)" -ge 20 ] || fail "found too few flags in --help: $flags"
for f in $flags; do
  offers "${f:0:2}" | grep -Eqx -- "$f=?" || fail "'${f:0:2}' does not offer $f"
done

# values VALUE_OPTION: the values einc's error for a bad one names, sorted.
values() {
  { "$einc" "$1" zzz 'i->i' -d i=1 2>&1 || true; } | grep -oE '\(expected [^)]*\)' |
    sed -E 's/^\(expected //; s/\)$//; s/,? or /, /g; s/, /\n/g' | sort
}
for opt in --dump --path --dtype; do
  want=$(values "$opt")
  [ -n "$want" ] || fail "einc $opt zzz names no values"
  [ "$(offers "$opt" = "")" = "$want" ] || fail "$opt= offers $(offers "$opt" = "" | tr '\n' ' '), einc takes $(echo $want)"
  [ "$(offers "$opt" "")" = "$want" ] || fail "$opt offers $(offers "$opt" "" | tr '\n' ' ')"
done
[ "$(offers -t f)" = "$(values --dtype | grep "^f")" ] || fail "-t f offers $(offers -t f)"
[ "$(offers --dump=l)" = "$(printf '%s\n' --dump=llvm --dump=loops)" ] || fail "--dump=l offers $(offers --dump=l)"

# The options that take a file offer files.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
touch "$dir/net.dag"
for opt in -o --header --tree --plan-dag --plan-svg; do
  [ "$(offers "$opt" "$dir/ne")" = "$dir/net.dag" ] || fail "$opt offers no file"
done
echo "completion: ok ($(printf '%s\n' "$flags" | wc -l) flags)"
