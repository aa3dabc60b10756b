/*
 * net/units.h - values with units, as experiment files and CC parameters
 * write them (lowest layer so cc/ and topo/ can use it).
 *
 * Rates: bps, Kbps, Mbps, Gbps, Tbps (also Kb/s ... Tb/s), and bytes per
 * second B/s, KB/s, MB/s, GB/s (decimal: GB = 1e9 bytes) or KiB/s, MiB/s,
 * GiB/s (binary) -> bits/s.  Times: ps, ns, us, ms, s -> ps (a bare 0 is
 * allowed).  Sizes: B, KB, MB, GB (1e3, 1e6, 1e9), KiB, MiB, GiB (2^10...);
 * a bare integer is bytes.  Decimal fractions are allowed ("1.5us") when the
 * result is a whole number of the base unit. All return 0 or -1 with a
 * message in err naming what was expected.
 */
#ifndef PKTSIM_NET_UNITS_H
#define PKTSIM_NET_UNITS_H

#include <stddef.h>
#include <stdint.h>

int net_parse_rate(const char *s, uint64_t *bps, char *err, size_t errlen);
int net_parse_time(const char *s, uint64_t *ps, char *err, size_t errlen);
int net_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen);
int net_parse_uint(const char *s, uint64_t max, uint64_t *v, char *err, size_t errlen);
int net_parse_double(const char *s, double *v, char *err, size_t errlen);

#endif
