/*
 * \brief  The number syntax of Nest's XML attributes and session arguments,
 *         as the fuzz targets' oracle
 *
 * Written independently of nest_parse_number (lib/base/number.c), which
 * both parsers use, so that a fuzz target compares the parser with a second
 * reading of the same syntax, not with itself.
 */
#ifndef NEST_FUZZ_REFERENCE_NUMBER_H
#define NEST_FUZZ_REFERENCE_NUMBER_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Decimal or 0x hex, optionally K, M or G (either case). 1 if valid, 0 if malformed,
 * -1 if it overflows 64 bits.
 */
static inline int reference_number(const char *s, uint64_t *value)
{
	uint64_t v = 0, base = 10, unit = 1;
	const char *digits;
	bool overflow = false;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
		base = 16;
		s += 2;
	}
	for (digits = s; *s; s++) {
		uint64_t d;

		if (*s >= '0' && *s <= '9')
			d = (uint64_t)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (uint64_t)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (uint64_t)(*s - 'A' + 10);
		else
			break;
		overflow |= v > (UINT64_MAX - d) / base;
		v = v * base + d;
	}
	if (s == digits)
		return 0;
	if (*s == 'k' || *s == 'K')
		unit = 1ULL << 10;
	else if (*s == 'm' || *s == 'M')
		unit = 1ULL << 20;
	else if (*s == 'g' || *s == 'G')
		unit = 1ULL << 30;
	s += unit != 1;
	if (*s)
		return 0;
	if (overflow || v > UINT64_MAX / unit)
		return -1;
	*value = v * unit;
	return 1;
}

#endif
