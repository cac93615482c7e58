/*
 * \brief  Numbers as configurations and session arguments write them
 *
 * Decimal or 0x hexadecimal, optionally followed by K, M or G (binary
 * units, either case), as Genode's Number_of_bytes. One parser serves the
 * XML attributes and the session arguments, so both read "16M" alike.
 */
#ifndef NEST_NUMBER_H
#define NEST_NUMBER_H

#include <stddef.h>
#include <stdint.h>
#include <nest/error.h>

/* the number spanning exactly len bytes at s: NEST_ERR_SYNTAX if malformed,
 * NEST_ERR_INVALID_ARGS if it does not fit 64 bits; *value unchanged then */
enum nest_error nest_parse_number(const char *s, size_t len, uint64_t *value);

#endif
