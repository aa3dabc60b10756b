/*
 * tests/test_units.c - net/units.c: rates (bits/s), times (ps), sizes
 * (bytes), plain integers and doubles parsed from text.
 *
 * Expected values are worked out by hand from the unit definitions
 * (G = 1e9, GB/s = 8e9 bits/s, MiB = 2^20 bytes, us = 1e6 ps), so a
 * conversion error cannot hide behind a value computed the same wrong way.
 */
#include "tests/unit_main.h"

#include <string.h>

#include "net/units.h"

static char err[256];

/* Assert s parses to want with fn. */
#define EXPECT_OK(fn, s, want)                                                              \
	do {                                                                                \
		uint64_t v_ = 0;                                                            \
		err[0] = '\0';                                                              \
		int rc_ = fn(s, &v_, err, sizeof(err));                                     \
		if (rc_ != 0)                                                               \
			fprintf(stderr, "\n  %s(\"%s\") failed: %s\n", #fn, s, err);        \
		CU_ASSERT_EQUAL(rc_, 0);                                                    \
		CU_ASSERT_EQUAL(v_, (uint64_t)(want));                                      \
	} while (0)

/* Assert s is rejected by fn with a message containing needle. */
#define EXPECT_ERR(fn, s, needle)                                                           \
	do {                                                                                \
		uint64_t v_ = 12345;                                                        \
		err[0] = '\0';                                                              \
		CU_ASSERT_EQUAL(fn(s, &v_, err, sizeof(err)), -1);                          \
		if (!strstr(err, needle))                                                   \
			fprintf(stderr, "\n  %s(\"%s\"): \"%s\" lacks \"%s\"\n", #fn, s, err, \
				needle);                                                    \
		CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));                                \
		CU_ASSERT_EQUAL(v_, 12345);                                                 \
	} while (0)

static void test_rate_gbps_is_exact(void)
{
	EXPECT_OK(net_parse_rate, "100Gbps", 100000000000ull);
	EXPECT_OK(net_parse_rate, "25Gb/s", 25000000000ull);
	EXPECT_OK(net_parse_rate, "1Tbps", 1000000000000ull);
}

static void test_rate_small_units(void)
{
	EXPECT_OK(net_parse_rate, "1bps", 1);
	EXPECT_OK(net_parse_rate, "7b/s", 7);
	EXPECT_OK(net_parse_rate, "3Kbps", 3000);
	EXPECT_OK(net_parse_rate, "3kbps", 3000);
	EXPECT_OK(net_parse_rate, "3kb/s", 3000);
	EXPECT_OK(net_parse_rate, "40Mbps", 40000000);
}

static void test_rate_bytes_per_second_is_times_8(void)
{
	EXPECT_OK(net_parse_rate, "50GB/s", 400000000000ull);
	EXPECT_OK(net_parse_rate, "1B/s", 8);
	EXPECT_OK(net_parse_rate, "2KB/s", 16000);
	EXPECT_OK(net_parse_rate, "1TB/s", 8000000000000ull);
}

static void test_rate_binary_bytes_per_second(void)
{
	EXPECT_OK(net_parse_rate, "1KiB/s", 8192);
	EXPECT_OK(net_parse_rate, "1MiB/s", 8388608);
	EXPECT_OK(net_parse_rate, "1GiB/s", 8589934592ull);
}

static void test_rate_fraction_is_exact(void)
{
	EXPECT_OK(net_parse_rate, "2.5Gbps", 2500000000ull);
	/* 0.1 has no exact double; integer parsing must still give 1e8. */
	EXPECT_OK(net_parse_rate, "0.1Gbps", 100000000ull);
	EXPECT_OK(net_parse_rate, "12.5GB/s", 100000000000ull);
}

static void test_rate_allows_spaces(void)
{
	EXPECT_OK(net_parse_rate, "  100 Gbps ", 100000000000ull);
}

static void test_rate_rejects_unknown_unit_naming_it(void)
{
	EXPECT_ERR(net_parse_rate, "100Gbs", "unknown rate unit \"Gbs\"");
	EXPECT_ERR(net_parse_rate, "100Gbs", "\"100Gbs\"");
	EXPECT_ERR(net_parse_rate, "100Gbs", "expected bps, Kbps");
	EXPECT_ERR(net_parse_rate, "100GBPS", "unknown rate unit");
}

static void test_rate_rejects_zero_and_negative(void)
{
	EXPECT_ERR(net_parse_rate, "0Gbps", "a rate must be positive, like 100Gbps");
	EXPECT_ERR(net_parse_rate, "0", "a rate must be positive");
	EXPECT_ERR(net_parse_rate, "-5Gbps", "negative");
}

static void test_rate_rejects_bare_number_and_empty(void)
{
	EXPECT_ERR(net_parse_rate, "100", "with a unit");
	EXPECT_ERR(net_parse_rate, "", "expected a rate");
	EXPECT_ERR(net_parse_rate, "   ", "expected a rate");
	EXPECT_ERR(net_parse_rate, "Gbps", "expected a number");
}

static void test_rate_rejects_fraction_of_a_bit(void)
{
	EXPECT_ERR(net_parse_rate, "1.5bps", "not a whole number of bits/s");
	EXPECT_ERR(net_parse_rate, "0.0000000001Gbps", "not a whole number");
}

static void test_rate_rejects_overflow(void)
{
	EXPECT_OK(net_parse_rate, "18446744073709551615bps", UINT64_MAX);
	EXPECT_ERR(net_parse_rate, "18446744073709551616bps", "too large");
	EXPECT_ERR(net_parse_rate, "20000000Tbps", "too large");
	EXPECT_ERR(net_parse_rate, "3000000TB/s", "too large");
}

static void test_time_units_to_ps(void)
{
	EXPECT_OK(net_parse_time, "7ps", 7);
	EXPECT_OK(net_parse_time, "1000ns", 1000000);
	EXPECT_OK(net_parse_time, "1us", 1000000);
	EXPECT_OK(net_parse_time, "2ms", 2000000000ull);
	EXPECT_OK(net_parse_time, "3s", 3000000000000ull);
}

static void test_time_fractions_are_exact(void)
{
	EXPECT_OK(net_parse_time, "1.5us", 1500000);
	EXPECT_OK(net_parse_time, "0.001ms", 1000000);
	EXPECT_OK(net_parse_time, "2.000000001s", 2000000001000ull);
	EXPECT_OK(net_parse_time, "0.000000000001s", 1);
	/* Trailing zeros beyond 15 places change nothing. */
	EXPECT_OK(net_parse_time, "1.000000000000000000s", 1000000000000ull);
}

static void test_time_allows_space_before_unit(void)
{
	EXPECT_OK(net_parse_time, "1 us", 1000000);
	EXPECT_OK(net_parse_time, " 500 ns ", 500000);
}

static void test_time_bare_zero_is_allowed(void)
{
	EXPECT_OK(net_parse_time, "0", 0);
	EXPECT_OK(net_parse_time, "0us", 0);
}

static void test_time_bare_nonzero_needs_a_unit(void)
{
	EXPECT_ERR(net_parse_time, "5",
		   "expected a time with a unit (ps, ns, us, ms, s), like 1us");
	EXPECT_ERR(net_parse_time, "0.5", "expected a time with a unit");
}

static void test_time_rejects_bad_input(void)
{
	EXPECT_ERR(net_parse_time, "-1us", "negative");
	EXPECT_ERR(net_parse_time, "1h", "unknown time unit \"h\"");
	EXPECT_ERR(net_parse_time, "0.5ps", "not a whole number of picoseconds");
	EXPECT_ERR(net_parse_time, "1.0000000000000001s", "decimal places");
	EXPECT_ERR(net_parse_time, "1.us", "unknown time unit");
	EXPECT_ERR(net_parse_time, "1e3us", "unknown time unit");
}

static void test_time_limit_is_uint64_ps(void)
{
	EXPECT_OK(net_parse_time, "18446744s", 18446744000000000000ull);
	EXPECT_ERR(net_parse_time, "18446745s", "too large");
}

static void test_size_decimal_and_binary(void)
{
	EXPECT_OK(net_parse_size, "10MB", 10000000);
	EXPECT_OK(net_parse_size, "10MiB", 10485760);
	EXPECT_OK(net_parse_size, "64KiB", 65536);
	EXPECT_OK(net_parse_size, "1GB", 1000000000ull);
	EXPECT_OK(net_parse_size, "1GiB", 1073741824ull);
	EXPECT_OK(net_parse_size, "2TB", 2000000000000ull);
	EXPECT_OK(net_parse_size, "1TiB", 1099511627776ull);
	EXPECT_OK(net_parse_size, "62B", 62);
}

static void test_size_bare_integer_is_bytes(void)
{
	EXPECT_OK(net_parse_size, "1000", 1000);
	EXPECT_OK(net_parse_size, "0", 0);
}

static void test_size_fraction_must_be_whole_bytes(void)
{
	EXPECT_OK(net_parse_size, "1.5KB", 1500);
	EXPECT_OK(net_parse_size, "0.5KiB", 512);
	EXPECT_ERR(net_parse_size, "1.5", "not a whole number of bytes");
	EXPECT_ERR(net_parse_size, "1.0001KB", "not a whole number of bytes");
}

static void test_size_rejects_bad_input(void)
{
	EXPECT_ERR(net_parse_size, "-1B", "negative");
	EXPECT_ERR(net_parse_size, "10Mb", "unknown size unit \"Mb\"");
	EXPECT_ERR(net_parse_size, "lots", "expected a number");
}

static void test_uint_within_max(void)
{
	uint64_t v = 0;

	CU_ASSERT_EQUAL(net_parse_uint("42", 100, &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 42);
	CU_ASSERT_EQUAL(net_parse_uint(" 7 ", 7, &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 7);
	CU_ASSERT_EQUAL(net_parse_uint("18446744073709551615", UINT64_MAX, &v, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
}

static void test_uint_rejects_above_max_negative_and_junk(void)
{
	uint64_t v = 5;

	CU_ASSERT_EQUAL(net_parse_uint("101", 100, &v, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at most 100"));
	CU_ASSERT_EQUAL(net_parse_uint("18446744073709551616", UINT64_MAX, &v, err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too large"));
	CU_ASSERT_EQUAL(net_parse_uint("-1", 100, &v, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "negative"));
	CU_ASSERT_EQUAL(net_parse_uint("1.5", 100, &v, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(net_parse_uint("", 100, &v, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(net_parse_uint("12ab", 100, &v, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"12ab\""));
	CU_ASSERT_EQUAL(v, 5);
}

static void test_double_parses_whole_string(void)
{
	double d = 0;

	CU_ASSERT_EQUAL(net_parse_double("0.25", &d, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(d, 0.25);
	CU_ASSERT_EQUAL(net_parse_double(" 1e-3 ", &d, err, sizeof(err)), 0);
	CU_ASSERT_DOUBLE_EQUAL(d, 0.001, 1e-15);
}

static void test_double_rejects_junk_and_non_finite(void)
{
	double d = 7;

	CU_ASSERT_EQUAL(net_parse_double("abc", &d, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected a number"));
	CU_ASSERT_EQUAL(net_parse_double("1.5x", &d, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(net_parse_double("", &d, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(net_parse_double("nan", &d, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(net_parse_double("inf", &d, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "finite"));
	CU_ASSERT_EQUAL(net_parse_double("1e999", &d, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(d, 7);
}

static void test_errors_tolerate_no_buffer(void)
{
	uint64_t v;

	CU_ASSERT_EQUAL(net_parse_rate("bogus", &v, NULL, 0), -1);
	CU_ASSERT_EQUAL(net_parse_time(NULL, &v, NULL, 0), -1);
}

static void test_long_input_is_quoted_truncated(void)
{
	char big[600];
	uint64_t v;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(net_parse_size(big, &v, err, sizeof(err)), -1);
	CU_ASSERT(strlen(err) < 200);
}

static const struct unit_test rate_tests[] = {
	{ "test_rate_gbps_is_exact", test_rate_gbps_is_exact },
	{ "test_rate_small_units", test_rate_small_units },
	{ "test_rate_bytes_per_second_is_times_8", test_rate_bytes_per_second_is_times_8 },
	{ "test_rate_binary_bytes_per_second", test_rate_binary_bytes_per_second },
	{ "test_rate_fraction_is_exact", test_rate_fraction_is_exact },
	{ "test_rate_allows_spaces", test_rate_allows_spaces },
	{ "test_rate_rejects_unknown_unit_naming_it", test_rate_rejects_unknown_unit_naming_it },
	{ "test_rate_rejects_zero_and_negative", test_rate_rejects_zero_and_negative },
	{ "test_rate_rejects_bare_number_and_empty", test_rate_rejects_bare_number_and_empty },
	{ "test_rate_rejects_fraction_of_a_bit", test_rate_rejects_fraction_of_a_bit },
	{ "test_rate_rejects_overflow", test_rate_rejects_overflow },
	{ NULL, NULL },
};

static const struct unit_test time_tests[] = {
	{ "test_time_units_to_ps", test_time_units_to_ps },
	{ "test_time_fractions_are_exact", test_time_fractions_are_exact },
	{ "test_time_allows_space_before_unit", test_time_allows_space_before_unit },
	{ "test_time_bare_zero_is_allowed", test_time_bare_zero_is_allowed },
	{ "test_time_bare_nonzero_needs_a_unit", test_time_bare_nonzero_needs_a_unit },
	{ "test_time_rejects_bad_input", test_time_rejects_bad_input },
	{ "test_time_limit_is_uint64_ps", test_time_limit_is_uint64_ps },
	{ NULL, NULL },
};

static const struct unit_test size_tests[] = {
	{ "test_size_decimal_and_binary", test_size_decimal_and_binary },
	{ "test_size_bare_integer_is_bytes", test_size_bare_integer_is_bytes },
	{ "test_size_fraction_must_be_whole_bytes", test_size_fraction_must_be_whole_bytes },
	{ "test_size_rejects_bad_input", test_size_rejects_bad_input },
	{ NULL, NULL },
};

static const struct unit_test number_tests[] = {
	{ "test_uint_within_max", test_uint_within_max },
	{ "test_uint_rejects_above_max_negative_and_junk",
	  test_uint_rejects_above_max_negative_and_junk },
	{ "test_double_parses_whole_string", test_double_parses_whole_string },
	{ "test_double_rejects_junk_and_non_finite", test_double_rejects_junk_and_non_finite },
	{ "test_errors_tolerate_no_buffer", test_errors_tolerate_no_buffer },
	{ "test_long_input_is_quoted_truncated", test_long_input_is_quoted_truncated },
	{ NULL, NULL },
};

static const struct unit_suite suites[] = {
	{ "units_rate", rate_tests },
	{ "units_time", time_tests },
	{ "units_size", size_tests },
	{ "units_number", number_tests },
	{ NULL, NULL },
};

UNIT_MAIN(suites)
