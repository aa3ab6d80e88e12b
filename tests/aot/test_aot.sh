#!/bin/sh
# test_aot.sh EINC AOT_CHECK LIBEINC_RT CC [CFLAGS...]: for each
# case below, compiles the spec ahead of time to kernel.o + kernel.h, builds
# host.c against them and libeinc_rt.a only, runs it, and checks its output
# against the reference evaluator with aot_check.
set -eu
einc=$1 check=$2 rt=$3 cc=$4
shift 4
cflags="$*"
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# case SPEC DIMS SHAPES DTYPE [OPTION...] ("-" = not given)
run_case() {
	spec=$1 dims=$2 shapes=$3 dtype=$4
	shift 4
	set -- "$spec" -t "$dtype" "$@"
	[ "$dims" = - ] || set -- "$@" -d "$dims"
	[ "$shapes" = - ] || set -- "$@" -s "$shapes"
	"$einc" "$@" -o "$dir/kernel.o" --header "$dir/kernel.h" --name kernel
	"$einc" "$@" -o "$dir/again.o" --name kernel
	cmp -s "$dir/kernel.o" "$dir/again.o" || { echo "aot: $spec: two compilations differ"; exit 1; }
	# the header's C type and its parts' (numpy's layouts), inputs / 1024
	# but for integers
	case $dtype in
	f32) ctype=float part=float scale=1024 ;;
	f64) ctype=double part=double scale=1024 ;;
	c64) ctype='float _Complex' part=float scale=1024 ;;
	c128) ctype='double _Complex' part=double scale=1024 ;;
	i32) ctype=int32_t part=int32_t scale=1 ;;
	i64) ctype=int64_t part=int64_t scale=1 ;;
	esac
	grep -q "^int kernel($ctype \*out" "$dir/kernel.h" || { echo "aot: kernel.h does not declare $ctype"; exit 1; }
	# shellcheck disable=SC2086 # cflags holds several words
	"$cc" -std=c11 $cflags -I"$dir" "-DT=$ctype" -DPART=$part -DSCALE=$scale '-DHEADER="kernel.h"' \
		"$here/host.c" "$dir/kernel.o" "$rt" -o "$dir/host"
	"$dir/host" "$dir/data.bin"
	"$check" "$spec" "$dims" "$shapes" "$dtype" "$dir/data.bin"
}

run_case 'bij,bjk->bik' b=3,i=17,j=9,k=5 - f32
# A wrong answer is reported: the first case's last output element (254
# of 3 x 17 x 5) overwritten with 3.0039 (0x40404040).
size=$(wc -c <"$dir/data.bin")
printf '\100\100\100\100' | dd of="$dir/data.bin" bs=1 seek=$((size - 4)) conv=notrunc 2>/dev/null
if "$check" 'bij,bjk->bik' b=3,i=17,j=9,k=5 - f32 "$dir/data.bin" 2>"$dir/err"; then
	echo "aot: a perturbed output passed the check"; exit 1
fi
grep -q ' element 254: 3.0039' "$dir/err" || { echo "aot: the perturbed element is not named:"; cat "$dir/err"; exit 1; }
run_case 'ij,jk,kl->il' i=7,j=8,k=9,l=10 - f64
run_case '...ij,...jk' - 2x1x3x4,5x4x2 f32
run_case 'ii->' i=33 - f64
run_case 'bi,ioj,bj->bo' b=4,i=5,o=6,j=7 - f32
run_case 'i,j->ji' i=5,j=3 - f64
run_case 'abc,cd,de,ea->bd' a=2,b=3,c=4,d=5,e=2 - f32
# numpy's empty axes: a summed one gives zeros, a kept one an empty result
run_case 'ij,jk->ik' - 2x0,0x3 f32
run_case 'bij,bjk->bik' - 0x3x4,0x4x5 f64
# under a budget that spills (the held half of a balanced tree)
tree=$here/../golden/spill_bal8.tree
dims=a=4,b=6,c=4,d=6,e=4,f=6,g=4,h=6,i=4
run_case 'ab,bc,cd,de,ef,fg,gh,hi->ai' $dims - f32 --tree "$tree" --budget 192
run_case 'ab,bc,cd,de,ef,fg,gh,hi->ai' $dims - f64 --tree "$tree" --budget 384
# sliced (NAME_slices): summed and output labels, a summed one alone
run_case 'ij,jk,kl->il' i=7,j=8,k=9,l=10 - f64 --slice=jl
run_case 'bij,bjk->bik' b=3,i=17,j=9,k=5 - f32 --slice=j
# complex and integer dtypes: GEMM-like, a chain, a diagonal, a spill, a slice
run_case 'bij,bjk->bik' b=3,i=17,j=9,k=5 - c64
run_case 'ij,jk,kl->il' i=7,j=8,k=9,l=10 - c128
run_case 'ii->' i=33 - c64
run_case 'bij,bjk->bik' b=3,i=17,j=9,k=5 - i32
run_case 'abc,cd,de,ea->bd' a=2,b=3,c=4,d=5,e=2 - i64
dims=a=4,b=6,c=4,d=6,e=4,f=6,g=4,h=6,i=4
run_case 'ab,bc,cd,de,ef,fg,gh,hi->ai' $dims - c64 --tree "$tree" --budget 384
dims=a=4,b=6,c=4,d=6,e=4,f=6,g=4,h=6,i=4
run_case 'ab,bc,cd,de,ef,fg,gh,hi->ai' $dims - i32 --tree "$tree" --budget 192
# sliced in the other dtypes: complex parts and wrapping integers summed
run_case 'ij,jk,kl->il' i=7,j=8,k=9,l=10 - c64 --slice=jl
run_case 'bij,bjk->bik' b=3,i=17,j=9,k=5 - c128 --slice=bj
run_case 'ij,jk,kl->il' i=7,j=8,k=9,l=10 - i32 --slice=k
run_case 'bij,bjk->bik' b=3,i=17,j=9,k=5 - i64 --slice=bj
echo "aot: 24 cases ok, a perturbed output reported"
