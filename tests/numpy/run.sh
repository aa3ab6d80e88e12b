#!/bin/sh
# run.sh PYTHON CHECK_NUMPY DIR - the numpy cross-check: gen_cases.py writes
# DIR/numpy_cases.txt with PYTHON, then CHECK_NUMPY checks einc against it.
# Exits 77 (ctest: skipped) only when PYTHON has no numpy.
py=$1 check=$2 dir=$3
here=$(dirname "$0")
if ! "$py" -c 'import numpy' 2>/dev/null; then
	echo "SKIPPED: '$py' cannot import numpy (install python3-numpy, or configure with -DEINC_PYTHON3=/path/to/python3)"
	exit 77
fi
"$py" "$here/gen_cases.py" "$dir/numpy_cases.txt" || exit 1
exec "$check" "$dir/numpy_cases.txt"
