/*
 * \brief  Reading a fuzz input as a sequence of operations and their arguments
 *
 * The handler fuzz targets (core_fuzz.c, init_fuzz.c) decode each input into
 * calls. Every read succeeds: past the end of the input a read yields zero,
 * so any byte string is a sequence of calls, and libFuzzer's mutations of a
 * seed keep their meaning up to the byte they change. Amounts are read
 * through a selector byte that makes the boundaries (zero, a page, values
 * near 2^64) as likely as plain numbers, since that is where quota
 * arithmetic goes wrong.
 */
#ifndef NEST_FUZZ_INPUT_H
#define NEST_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_input {
	const uint8_t *data;
	size_t         size, pos;
};

static inline int input_left(const struct fuzz_input *in)
{
	return in->pos < in->size;
}

static inline uint8_t take_u8(struct fuzz_input *in)
{
	return in->pos < in->size ? in->data[in->pos++] : 0;
}

static inline uint16_t take_u16(struct fuzz_input *in)
{
	return (uint16_t)(take_u8(in) | take_u8(in) << 8);
}

static inline uint32_t take_u32(struct fuzz_input *in)
{
	return (uint32_t)take_u16(in) | (uint32_t)take_u16(in) << 16;
}

static inline uint64_t take_u64(struct fuzz_input *in)
{
	return (uint64_t)take_u32(in) | (uint64_t)take_u32(in) << 32;
}

/* a quantity of RAM, capabilities or bytes, likely at a boundary */
static inline uint64_t take_amount(struct fuzz_input *in)
{
	uint8_t selector = take_u8(in);

	switch (selector % 8) {
	case 0:  return selector / 8;                        /* 0..31 */
	case 1:  return (uint64_t)take_u8(in) * 4096;        /* whole pages */
	case 2:  return (uint64_t)take_u16(in) * 16;         /* up to 1 MiB, unaligned */
	case 3:  return 4096 + (uint64_t)(int8_t)take_u8(in);  /* near a page */
	case 4:  return UINT64_MAX - take_u8(in);            /* near 2^64 */
	case 5:  return 1ull << (take_u8(in) % 64);          /* powers of two */
	case 6:  return (1ull << 63) + (uint64_t)(int8_t)take_u8(in);
	default: return take_u64(in);
	}
}

/* a string of at most size - 1 bytes, as long as its length byte says;
 * any bytes but NUL, which ends it */
static inline void take_text(struct fuzz_input *in, char *text, size_t size)
{
	size_t len = take_u8(in), i;

	for (i = 0; i < len && i + 1 < size && input_left(in); i++)
		text[i] = (char)take_u8(in);
	text[i] = 0;
}

#endif
