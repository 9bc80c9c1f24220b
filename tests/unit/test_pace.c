/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pace: the monitor's interval stretches when a refresh costs more
 * than half of it (a million sockets), and comes back when it is cheap. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/pace.h"

#define NEAR(a, b) assert_true((a) > (b) - 1e-9 && (a) < (b) + 1e-9)

/* Cheap refreshes keep the interval asked for; a cost of exactly half is
 * still cheap. */
static void test_cheap(void **state)
{
	(void)state;
	NEAR(pace_interval(1, 1, 0.01), 1);
	NEAR(pace_interval(1, 1, 0.5), 1);
	NEAR(pace_interval(2, 0, 0.3), 2);   /* nothing in effect yet: the set one */
	NEAR(pace_interval(1, 1, 0), 1);     /* unknown cost */
	NEAR(pace_interval(1, 2.5, -1), 2.5); /* unknown cost keeps what is in effect */
}

/* Beyond half, twice the cost rounded up to a readable step. */
static void test_grow(void **state)
{
	(void)state;
	NEAR(pace_interval(1, 1, 0.51), 1.1);
	NEAR(pace_interval(1, 1, 0.35 + 0.3), 1.3);
	NEAR(pace_interval(0.5, 0.5, 0.35), 0.7); /* no extra step from rounding noise */
	NEAR(pace_interval(1, 1, 1.2), 2.5);      /* 2.4 -> 0.5 s steps from 2 s */
	NEAR(pace_interval(1, 1, 4.9), 10);
	NEAR(pace_interval(1, 1, 12.2), 25);      /* 1 s steps from 10 s */
	NEAR(pace_interval(1, 1, 31), 65);        /* 5 s steps from 60 s */
	NEAR(pace_interval(1, 1, 5000), 3600);    /* never beyond what -d accepts */
	NEAR(pace_interval(5000, 5000, 4000), 5000);
	/* grows again at once when a refresh costs more still */
	NEAR(pace_interval(1, 2.5, 1.6), 3.5);
}

/* It shrinks only when a refresh takes a third of the interval in effect
 * or less, and never below the interval asked for. */
static void test_shrink(void **state)
{
	(void)state;
	NEAR(pace_interval(1, 2.5, 1.1), 2.5);  /* 2.2 wanted: close, keep 2.5 */
	NEAR(pace_interval(1, 2.5, 0.9), 2.5);  /* 0.9 > 2.5 / 3 */
	NEAR(pace_interval(1, 2.5, 0.6), 1.2);  /* back towards the set interval */
	NEAR(pace_interval(1, 2.5, 0.2), 1);
	NEAR(pace_interval(1, 1.2, 0.4), 1);
	/* the user asked for more than what is in effect: that wins */
	NEAR(pace_interval(5, 2.5, 1.2), 5);
	assert_true(pace_stretched(1, 2.5));
	assert_false(pace_stretched(1, 1));
	assert_false(pace_stretched(2, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cheap),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_shrink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
