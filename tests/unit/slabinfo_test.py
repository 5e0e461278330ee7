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
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "netns"))
from wire import objs  # noqa: E402 (the path first)

# name: (active objects, objsize column, objects per slab)
STOCK = {
    "kmalloc-512": (300, 512, 8),
    "kmalloc-cg-512": (40, 512, 8),
    "kmalloc-rcl-512": (0, 512, 8),
    "dma-kmalloc-512": (5, 512, 8),
    "kmalloc-256": (700, 256, 16),
    "kmalloc-1k": (90, 1024, 8),
    "skbuff_head_cache": (50, 256, 16),
}
# As on tests/vm/debug.config's kernel: slots larger than what they serve.
DEBUG = {
    "kmalloc-512": (300, 1344, 12),
    "kmalloc-cg-512": (40, 1344, 12),
    "kmalloc-rnd-03-512": (7, 1344, 12),
    "dma-kmalloc-512": (5, 1344, 12),
    "kmalloc-256": (700, 832, 19),
    "kmalloc-1k": (90, 2368, 13),
    "kmalloc-192": (10, 512, 8),
}

CASES = [
    ("stock slots, 512", STOCK, 512, (340, 8)),
    ("stock slots, 256", STOCK, 256, (700, 16)),
    ("debug slots, 512: by name, not by the slot size", DEBUG, 512, (347, 12)),
    ("debug slots, 256", DEBUG, 256, (700, 19)),
]


def main():
    failed = 0
    for name, slab, size, want in CASES:
        got = objs(slab, size)
        if got == want:
            print("ok - unit: slabinfo: %s" % name)
        else:
            failed += 1
            print("not ok - unit: slabinfo: %s (got %r, want %r)"
                  % (name, got, want))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
