#!/usr/bin/python3
"""Check how 22-churn's leak check finds the kmalloc caches of a size.

tests/netns/wire.py's objs() counts the objects in use in the kmalloc
caches that serve SIZE bytes. /proc/slabinfo's objsize column is the slot
size (s->size in cache_show(), mm/slab_common.c), which SLUB debugging and
KASAN make larger than the size served: on the debug kernel kmalloc-512's
column says 1024 or more, and a match on it found no cache at all (a
threshold of 0, a case that could only fail). One TAP line per case.
"""
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "netns"))
sys.path.insert(0, os.path.join(HERE, "..", "lib", "py"))
from mssclamp_tap import Tap  # noqa: E402 (the path first)
from wire import objs  # noqa: E402

# name: (active objects, (objsize column, objects per slab) on a stock
# kernel, the same on tests/vm/debug.config's kernel, where the slots are
# larger than what they serve); None: no such cache there.
SLABS = {
    "kmalloc-512": (300, (512, 8), (1344, 12)),
    "kmalloc-cg-512": (40, (512, 8), (1344, 12)),
    "kmalloc-rcl-512": (0, (512, 8), None),
    "kmalloc-rnd-03-512": (7, None, (1344, 12)),
    "dma-kmalloc-512": (5, (512, 8), (1344, 12)),
    "kmalloc-256": (700, (256, 16), (832, 19)),
    "kmalloc-1k": (90, (1024, 8), (2368, 13)),
    "kmalloc-192": (10, None, (512, 8)),
    "skbuff_head_cache": (50, (256, 16), None),
}
STOCK, DEBUG = ({name: (active,) + kernels[i]
                 for name, (active, *kernels) in SLABS.items() if kernels[i]}
                for i in (0, 1))

CASES = [
    ("stock slots, 512", STOCK, 512, (340, 8)),
    ("stock slots, 256", STOCK, 256, (700, 16)),
    ("debug slots, 512: by name, not by the slot size", DEBUG, 512, (347, 12)),
    ("debug slots, 256", DEBUG, 256, (700, 19)),
]


def main():
    tap = Tap("unit: slabinfo: ")
    for name, slab, size, want in CASES:
        got = objs(slab, size)
        tap.check(name, got == want, "got %r, want %r" % (got, want))
    return tap.status()


if __name__ == "__main__":
    sys.exit(main())
