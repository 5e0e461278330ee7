#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's netlink tools for docs/netlink/mssclamp.yaml: tools/net/ynl
# (ynl-gen-c.py, cli.py) and Documentation/netlink (the schemas) of Debian's
# linux-source-6.12, extracted once, and only those two directories, into
# CACHE/ynl-6.12 (the same cache and tarball as tests/vm/debug-kernel.sh;
# again only when the tarball changes: CACHE/ynl-6.12.stamp).
#
#   scripts/ynl.sh dir          extract if needed; print the directory
#   scripts/ynl.sh gen [FILE]   the uapi header generated from the spec, to
#                               FILE or stdout (what `make uapi` writes to
#                               kmod/uapi/mssclamp.h)
#   scripts/ynl.sh cli ARGS...  tools/net/ynl/cli.py --spec
#                               docs/netlink/mssclamp.yaml, checked against
#                               the genetlink-legacy schema, with ARGS
#   scripts/ynl.sh copy PATH    a copy of the directory at PATH, made
#                               again only when the extraction changed
#                               (tests/netns/32-ynl.sh's host-prepare step:
#                               the VM sees the repository, but a tmpfs
#                               hides /root and the host user's cache may
#                               be anywhere)
#
# Environment:
#   MSSCLAMP_CACHE      cache directory (default ~/.cache/mssclamp)
#   MSSCLAMP_LINUX612   kernel source (default the linux-source-6.12
#                       package's tarball)
set -eu -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd -P)
cache=${MSSCLAMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mssclamp}
tarball=${MSSCLAMP_LINUX612:-/usr/src/linux-source-6.12.tar.xz}
dir=$cache/ynl-6.12
spec=$top/docs/netlink/mssclamp.yaml
# Debian's python and its python3-yaml, python3-jsonschema (make deps),
# whatever else PATH offers.
py=/usr/bin/python3
# Bump when what is extracted changes.
recipe=1

die() {
	echo "ynl: $*" >&2
	exit 1
}

extract() {
	local want have
	[ -r "$tarball" ] || die "no $tarball (make deps)"
	want="recipe $recipe $(stat -L -c '%n %s %Y' "$tarball")"
	have=$(cat "$dir.stamp" 2>/dev/null || true)
	[ -f "$dir/tools/net/ynl/cli.py" ] && [ "$want" = "$have" ] && return 0
	mkdir -p "$cache"
	# One extraction at a time (a unit run and a VM's host-prepare step
	# may ask together); the second finds the work done.
	exec 7>"$dir.lock"
	flock -w 600 7 || die "another extraction into $dir did not finish"
	have=$(cat "$dir.stamp" 2>/dev/null || true)
	[ -f "$dir/tools/net/ynl/cli.py" ] && [ "$want" = "$have" ] && return 0
	echo "ynl: extracting tools/net/ynl and Documentation/netlink from $tarball into $dir (once)" >&2
	rm -rf "$dir" "$dir.tmp" "$dir.stamp"
	mkdir -p "$dir.tmp"
	tar -xJf "$tarball" -C "$dir.tmp" --strip-components=1 --wildcards \
		'*/tools/net/ynl/*' '*/Documentation/netlink/*' ||
		{ rm -rf "$dir.tmp"; die "extracting $tarball failed"; }
	if [ ! -f "$dir.tmp/tools/net/ynl/ynl-gen-c.py" ] ||
		[ ! -f "$dir.tmp/Documentation/netlink/genetlink-legacy.yaml" ]; then
		rm -rf "$dir.tmp"
		die "$tarball has no tools/net/ynl or Documentation/netlink"
	fi
	mv "$dir.tmp" "$dir"
	echo "$want" >"$dir.stamp"
}

# gen: ynl-gen-c.py finds the tree it runs in by walking up from the spec to
# a directory with a MAINTAINERS file (and loops at / without one), names
# the spec in the header by its path below that directory, and looks for
# the schema of the spec's protocol two levels above the spec. So the spec
# runs from a scratch tree laid out like ours: MAINTAINERS at the top, the
# spec at docs/netlink/, the kernel's schemas at docs/; the header then
# names docs/netlink/mssclamp.yaml, as this repository has it.
#
# The copy it reads lacks one thing: the "enum:" link of an attribute to an
# enum whose values have a gap (family: 4, 6). The generator derives a range
# check from every linked enum (TypeScalar in ynl-gen-c.py) and stops on
# such an enum ("Can't get value range for a noncontiguous enum",
# EnumSet.value_range()); that range would feed only a policy, which
# --mode uapi does not write. A link names no C identifier: the header is
# the same with or without any of them.
gen() {
	local out=${1:-} tmp rc=0
	tmp=$(mktemp -d)
	mkdir -p "$tmp/docs/netlink"
	: >"$tmp/MAINTAINERS"
	"$py" - "$spec" "$tmp/docs/netlink/mssclamp.yaml" <<-'EOF' || rc=$?
	import sys
	import yaml

	with open(sys.argv[1]) as f:
	    src = f.read()
	spec = yaml.safe_load(src)


	def values(enum):
	    """The values of ENUM's entries, numbered as ynl numbers them."""
	    out, v = [], enum.get("value-start", 0)
	    for e in enum["entries"]:
	        if isinstance(e, dict) and "value" in e:
	            v = e["value"]
	        out.append(v)
	        v += 1
	    return out


	sparse = set()
	for d in spec.get("definitions", []):
	    v = values(d) if d["type"] == "enum" else [0]
	    if max(v) - min(v) + 1 != len(v):
	        sparse.add(d["name"])
	for s in spec["attribute-sets"]:
	    for a in s["attributes"]:
	        if a.get("enum") in sparse:
	            del a["enum"]
	# The leading comments: the SPDX line the generator copies.
	head = ""
	for line in src.splitlines(True):
	    if not line.startswith("#"):
	        break
	    head += line
	with open(sys.argv[2], "w") as f:
	    f.write(head + "---\n" + yaml.safe_dump(spec, sort_keys=False))
	EOF
	if [ "$rc" != 0 ]; then
		rm -rf "$tmp"
		return "$rc"
	fi
	cp "$dir"/Documentation/netlink/*.yaml "$tmp/docs/"
	"$py" "$dir/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
		--spec "$tmp/docs/netlink/mssclamp.yaml" -o "$tmp/out.h" || rc=$?
	if [ "$rc" = 0 ]; then
		if [ -n "$out" ]; then
			cp "$tmp/out.h" "$out"
		else
			cat "$tmp/out.h"
		fi
	fi
	rm -rf "$tmp"
	return "$rc"
}

cmd=${1:-}
[ $# -eq 0 ] || shift
case $cmd in
dir)
	extract
	echo "$dir"
	;;
gen)
	[ $# -le 1 ] || die "usage: $0 gen [FILE]"
	extract
	gen "$@"
	;;
cli)
	extract
	exec "$py" "$dir/tools/net/ynl/cli.py" --spec "$spec" \
		--schema "$dir/Documentation/netlink/genetlink-legacy.yaml" "$@"
	;;
copy)
	[ $# -eq 1 ] || die "usage: $0 copy PATH"
	extract
	dst=$1
	if [ "$(cat "$dst.stamp" 2>/dev/null || true)" != "$(cat "$dir.stamp")" ] ||
		[ ! -f "$dst/tools/net/ynl/cli.py" ]; then
		mkdir -p "$(dirname "$dst")"
		rm -rf "$dst" "$dst.tmp" "$dst.stamp"
		cp -a "$dir" "$dst.tmp"
		mv "$dst.tmp" "$dst"
		cp "$dir.stamp" "$dst.stamp"
	fi
	;;
*)
	die "usage: $0 dir | gen [FILE] | cli ARGS... | copy PATH"
	;;
esac
