#!/bin/sh
# run_golden.sh EINC CASE.ein - one golden test of the einc CLI.
#
# The first line of CASE.ein is "# args: ARGS", the CLI arguments in shell
# quoting, run in the folder of CASE.ein (so ARGS can name files beside it);
# the other lines are free comments. The expectation is a sibling:
#   CASE.KIND  (KIND from --dump=KIND, else "out"): stdout of a run that exits 0
#   CASE.err   stderr of a failing run, then a line "[exit status N]"
# On a mismatch the actual output goes to ./NAME.KIND-actual (the current
# directory) and the diff command to read is printed. With EINC_ACCEPT=1 the
# actual output becomes the expectation instead (the stale sibling is removed).
set -u
einc=$1 case=$2
base=${case%.ein} name=$(basename "$base")
first=$(head -n 1 "$case")
case $first in
"# args: "*) args=${first#"# args: "} ;;
*) echo "$case:1: the first line must be '# args: ...'"; exit 1 ;;
esac
kind=$(printf '%s\n' "$args" | sed -n 's/.*--dump=\([a-z]*\).*/\1/p')
kind=${kind:-out}

out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
eval "set -- $args"
(cd "$(dirname "$case")" && "$einc" "$@") >"$out" 2>"$err"
rc=$?
if [ $rc -eq 0 ]; then
	ext=$kind stale=err actual=$out
	if [ -s "$err" ]; then
		echo "$name: exit 0 but stderr is not empty:"; cat "$err"; exit 1
	fi
else
	ext=err stale=$kind actual=$err
	echo "[exit status $rc]" >>"$err"
fi

if [ "${EINC_ACCEPT:-}" = 1 ]; then
	cp "$actual" "$base.$ext" && rm -f "$base.$stale"
	echo "$name: accepted $base.$ext"
	exit 0
fi
if [ ! -e "$base.$ext" ]; then
	if [ -e "$base.$stale" ]; then
		echo "$name: expected $base.$stale, but einc exited with status $rc:"
	else
		echo "$name: no expectation $base.$ext yet (run with EINC_ACCEPT=1); einc printed:"
	fi
	cat "$actual"; exit 1
fi
if cmp -s "$actual" "$base.$ext"; then
	exit 0
fi
cp "$actual" "$name.$ext-actual"
echo "$name: output differs; see: diff -u $base.$ext $PWD/$name.$ext-actual"
diff -u "$base.$ext" "$name.$ext-actual"
exit 1
