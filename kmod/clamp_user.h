/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's integer types for userspace builds of the shared rewriter
 * (unit tests, fuzzer). Never part of the module, so not checkpatch'ed.
 */
#ifndef MSSCLAMP_CLAMP_USER_H
#define MSSCLAMP_CLAMP_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif

#endif /* MSSCLAMP_CLAMP_USER_H */
