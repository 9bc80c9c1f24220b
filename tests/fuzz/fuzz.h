/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz.h - what every fuzz target provides, and small helpers for them.
 *
 * A target is one file tests/fuzz/fuzz_<parser>.c defining
 * LLVMFuzzerTestOneInput().  It links either with libFuzzer (clang
 * -fsanitize=fuzzer, tests/fuzz/libfuzzer.sh) or with tests/fuzz/driver.c,
 * a small deterministic replacement that runs a corpus and seeded random
 * mutations of it (make check, tests/fuzz/run.sh).
 *
 * Rules for targets: deterministic (no clocks, no randomness, no state kept
 * between inputs that changes results), no leaks, never write anywhere but
 * /dev/null, abort() when an invariant of the API under test is broken (so
 * both drivers report it like a crash).
 */
#ifndef SW_FUZZ_H
#define SW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A stream that discards everything (opened once, kept open). */
static inline FILE *fuzz_null(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

/* The input as a NUL-terminated string (stops at an embedded NUL, as a C
 * caller would).  Free with free(). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Report a broken invariant with the input and abort. */
#define FUZZ_CHECK(cond, ...)                                                 \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "fuzz: invariant failed: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
			abort();                                              \
		}                                                             \
	} while (0)

#endif
