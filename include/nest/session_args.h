/*
 * \brief  Session-argument strings and session labels
 *
 * A session request carries its arguments as one string in Genode's syntax,
 * for example: label="init -> hello", ram_quota=8K, cap_quota=3
 *
 * Comma-separated key=value pairs; a key consists of letters, digits and
 * '_'; a value is a double-quoted string (with the escapes \" and \\) or a
 * bare token of letters, digits, '_' and '.'. Spaces and tabs may surround
 * keys, '=' and commas. A key appears at most once: every function below
 * rejects a string with a repeated key as NEST_ERR_SYNTAX, so a parent that
 * rewrites the label and a server that reads it always agree on which one
 * counts. Keys match whole, and case-sensitively.
 */
#ifndef NEST_SESSION_ARGS_H
#define NEST_SESSION_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nest/error.h>

/* NEST_OK or NEST_ERR_SYNTAX */
enum nest_error nest_args_validate(const char *args);

/*
 * Value of 'key', unquoted and unescaped, into buf. NEST_ERR_NOT_FOUND,
 * NEST_ERR_SYNTAX, or NEST_ERR_MSG_TOO_LARGE if it does not fit (buf is
 * left empty then).
 */
enum nest_error nest_args_str(const char *args, const char *key, char *buf, size_t size);

/*
 * Number of bytes or plain count: a bare decimal or 0x hex token, optionally
 * followed by K, M or G (binary units, either case). NEST_ERR_SYNTAX if the
 * value is quoted or not a number, NEST_ERR_INVALID_ARGS if it overflows 64
 * bits; *value is unchanged on error.
 */
enum nest_error nest_args_u64(const char *args, const char *key, uint64_t *value);

/*
 * Set 'key' in the string 'args' (a buffer of 'size' bytes): an existing
 * value is replaced in place, keeping the order of the arguments; a new key
 * is appended as ", key=value". Strings are always written quoted and
 * escaped, numbers in decimal. NEST_ERR_INVALID_ARGS for a malformed key,
 * NEST_ERR_SYNTAX for malformed 'args', NEST_ERR_MSG_TOO_LARGE if the result
 * does not fit; 'args' is unchanged on every error. 'value' must not point
 * into 'args'.
 */
enum nest_error nest_args_set_str(char *args, size_t size, const char *key, const char *value);
enum nest_error nest_args_set_u64(char *args, size_t size, const char *key, uint64_t value);

/* remove 'key' and its separator: NEST_OK, NEST_ERR_NOT_FOUND or NEST_ERR_SYNTAX */
enum nest_error nest_args_remove(char *args, const char *key);

/*
 * Session labels are chains such as "init -> client -> sub". Prepend
 * 'prefix' to 'label' as "prefix -> label"; if either is empty the result is
 * the other alone. 'out' may be the same buffer as 'prefix' or 'label'.
 * NEST_ERR_MSG_TOO_LARGE if the result does not fit (out is left empty then,
 * unless it is one of the inputs, which is then left unchanged).
 */
enum nest_error nest_label_prepend(char *out, size_t size, const char *prefix, const char *label);

/* last element of a label, after the last " -> " (the whole label if none) */
const char *nest_label_last(const char *label);

/* the number at key, or fallback if key is absent; NEST_ERR_INVALID_ARGS
 * if it is malformed */
enum nest_error nest_args_u64_or(const char *args, const char *key, uint64_t fallback,
                                 uint64_t *value);

/* the bytes of the control character at *at (C0 or DEL: 1, C1 in UTF-8:
 * 2), 0 if it is none; at points into a NUL-terminated string */
size_t nest_text_control(const char *at);

/* true if text has no control characters: what a child says about itself
 * may reach a log or a terminal only so */
bool nest_text_printable(const char *text);

/* a session request's label (empty if absent, NEST_ERR_INVALID_ARGS if it
 * is not printable) and donated quota (absent
 * counts as 0): NEST_ERR_INVALID_ARGS for anything malformed */
enum nest_error nest_args_label(const char *args, char *label, size_t size);
enum nest_error nest_args_quota(const char *args, uint64_t *ram, uint64_t *caps);

#endif
