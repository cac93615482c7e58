/*
 * \brief  Numbers with K, M, G units, for XML attributes and session arguments
 */
#include <nest/number.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

enum nest_error nest_parse_number(const char *s, size_t len, uint64_t *value)
{
	const char *end = s + len;
	uint64_t v = 0, base = 10, unit = 1;
	const char *digits;
	int d;

	if (end - s > 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
		base = 16;
		s += 2;
	}
	for (digits = s; s < end && (d = digit_value(*s)) >= 0 && (uint64_t)d < base; s++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return NEST_ERR_INVALID_ARGS;
		v = v * base + (uint64_t)d;
	}
	if (s == digits)
		return NEST_ERR_SYNTAX;
	if (s < end) {
		switch (*s++ | 0x20) {
		case 'k': unit = 1ULL << 10; break;
		case 'm': unit = 1ULL << 20; break;
		case 'g': unit = 1ULL << 30; break;
		default:  return NEST_ERR_SYNTAX;
		}
	}
	if (s != end)
		return NEST_ERR_SYNTAX;
	if (v > UINT64_MAX / unit)
		return NEST_ERR_INVALID_ARGS;
	*value = v * unit;
	return NEST_OK;
}
