/*
 * \brief  libFuzzer target for session-argument strings and session labels
 *
 * Session arguments come from a client that may be hostile, and a parent
 * rewrites them before a server reads them, so the parser has to survive any
 * string and its answers have to agree with each other: whatever set_str()
 * wrote, str() reads back; whatever remove() took away is gone; a string
 * that validated still validates. The input is split at newlines into the
 * arguments, a key, a value, a second key and a label prefix (absent parts
 * take a default), each in a heap buffer of exactly its length, and every
 * rewrite works in a buffer of exactly the size it is given, so that
 * AddressSanitizer catches a byte read or written too far. A contradiction
 * is reported on stderr and abort()s.
 *
 * The file lives two folders below tests/ so that the Makefile, which builds
 * every tests/X/ with C files as a component, leaves it alone;
 * tests/fuzz.test builds and runs it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/session_args.h>
#include "tests/fuzz/targets/reference_number.h"

static const char arrow[] = " -> ";

struct input {
	char    *args, *key, *value, *key2, *prefix;
	uint64_t number;    /* the value's first bytes, for set_u64 */
	size_t   size;      /* size of the scratch buffers buf and buf2 */
	char    *buf, *buf2;
};

static void violated(const char *what, int line)
{
	fprintf(stderr, "session_args_fuzz.c:%d: invariant violated: %s\n", line, what);
	abort();
}

#define CHECK(cond) ((cond) ? (void)0 : violated(#cond, __LINE__))

static char *copy_of(const char *s, size_t len)
{
	char *copy = malloc(len + 1);

	CHECK(copy != NULL);
	memcpy(copy, s, len);
	copy[len] = 0;
	return copy;
}

/*
 * The next line of the input as a string; 'fallback' once the input is used
 * up, so that a file ending in a newline does not make the next part empty.
 * *p becomes NULL after the last line.
 */
static char *next_part(const char **p, const char *end, const char *fallback)
{
	const char *nl;
	char *part;

	if (!*p || *p == end)
		return copy_of(fallback, strlen(fallback));
	nl = memchr(*p, '\n', (size_t)(end - *p));
	part = copy_of(*p, (size_t)((nl ? nl : end) - *p));
	*p = nl ? nl + 1 : NULL;
	return part;
}

static bool key_is_valid(const char *key)
{
	if (!*key)
		return false;
	for (; *key; key++) {
		char c = *key;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

/* 'args' and 'key' as str() sees them, into 'buf' (of in->size bytes) */
static enum nest_error value_of(const struct input *in, const char *args, const char *key,
                                char *buf)
{
	return nest_args_str(args, key, buf, in->size);
}

/* a malformed string: every function refuses it and changes nothing */
static void check_malformed(struct input *in)
{
	const uint64_t unset = 0x5a5a5a5a5a5a5a5aULL;
	uint64_t number = unset, ram = unset, caps = unset;
	size_t len = strlen(in->args);
	char *copy = copy_of(in->args, len);
	enum nest_error key_error = key_is_valid(in->key) ? NEST_ERR_SYNTAX : NEST_ERR_INVALID_ARGS;

	CHECK(nest_args_str(in->args, in->key, in->buf, in->size) == NEST_ERR_SYNTAX);
	CHECK(in->buf[0] == 0);
	CHECK(nest_args_u64(in->args, in->key, &number) == NEST_ERR_SYNTAX && number == unset);
	CHECK(nest_args_set_str(copy, len + 1, in->key, in->value) == key_error);
	CHECK(!strcmp(copy, in->args));
	CHECK(nest_args_set_u64(copy, len + 1, in->key, in->number) == key_error);
	CHECK(!strcmp(copy, in->args));
	CHECK(nest_args_remove(copy, in->key) == NEST_ERR_SYNTAX);
	CHECK(!strcmp(copy, in->args));
	CHECK(nest_args_label(in->args, in->buf, in->size) == NEST_ERR_INVALID_ARGS);
	CHECK(nest_args_quota(in->args, &ram, &caps) == NEST_ERR_INVALID_ARGS);
	free(copy);
}

/* reading a well-formed string */
static void check_read(struct input *in, const char *key)
{
	const uint64_t unset = 0x5a5a5a5a5a5a5a5aULL;
	uint64_t number = unset, expected = unset;
	enum nest_error e = value_of(in, in->args, key, in->buf), e_u64;
	size_t len;

	CHECK(e == NEST_OK || e == NEST_ERR_NOT_FOUND);
	if (!key_is_valid(key))
		CHECK(e == NEST_ERR_NOT_FOUND);
	e_u64 = nest_args_u64(in->args, key, &number);
	if (e == NEST_ERR_NOT_FOUND) {
		CHECK(in->buf[0] == 0);
		CHECK(e_u64 == NEST_ERR_NOT_FOUND && number == unset);
		return;
	}

	/* exactly as much room as the value needs, and a byte less */
	len = strlen(in->buf);
	CHECK(len < strlen(in->args));
	CHECK(nest_args_str(in->args, key, in->buf2, len + 1) == NEST_OK);
	CHECK(!strcmp(in->buf, in->buf2));
	in->buf2[0] = 'x';
	CHECK(nest_args_str(in->args, key, in->buf2, len) == NEST_ERR_MSG_TOO_LARGE);
	CHECK(in->buf2[0] == (len ? 0 : 'x'));

	/* a number reads as the header's syntax says (a quoted one is refused) */
	switch (reference_number(in->buf, &expected)) {
	case 1:
		CHECK(e_u64 == NEST_ERR_SYNTAX || (e_u64 == NEST_OK && number == expected));
		break;
	case 0:
		CHECK(e_u64 == NEST_ERR_SYNTAX || e_u64 == NEST_ERR_INVALID_ARGS);
		break;
	default:
		CHECK(e_u64 == NEST_ERR_SYNTAX || e_u64 == NEST_ERR_INVALID_ARGS);
	}
	if (e_u64 != NEST_OK)
		CHECK(number == unset);
}

/* the reference of what may reach a log: no C0 control, DEL, or C1 control
 * in its UTF-8 form */
static bool reference_printable(const char *text)
{
	size_t len = strlen(text);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == 0xc2 && i + 1 < len && (unsigned char)text[i + 1] >= 0x80 &&
		    (unsigned char)text[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

/* the label and quota of a well-formed string agree with str() and u64();
 * a label that is not printable is refused */
static void check_label_and_quota(struct input *in)
{
	const uint64_t unset = 0x5a5a5a5a5a5a5a5aULL;
	uint64_t ram = unset, caps = unset, ram_arg = 0, caps_arg = 0;
	enum nest_error e_label = value_of(in, in->args, "label", in->buf2);
	enum nest_error e_ram = nest_args_u64(in->args, "ram_quota", &ram_arg);
	enum nest_error e_caps = nest_args_u64(in->args, "cap_quota", &caps_arg);
	size_t len;

	CHECK(e_label == NEST_OK || e_label == NEST_ERR_NOT_FOUND);
	if (e_label == NEST_OK && !reference_printable(in->buf2)) {
		CHECK(nest_args_label(in->args, in->buf, in->size) == NEST_ERR_INVALID_ARGS);
	} else {
		CHECK(nest_args_label(in->args, in->buf, in->size) == NEST_OK);
		CHECK(!strcmp(in->buf, in->buf2));
		len = strlen(in->buf);
		if (len)
			CHECK(nest_args_label(in->args, in->buf, len) == NEST_ERR_INVALID_ARGS);
	}

	if ((e_ram == NEST_OK || e_ram == NEST_ERR_NOT_FOUND) &&
	    (e_caps == NEST_OK || e_caps == NEST_ERR_NOT_FOUND)) {
		CHECK(nest_args_quota(in->args, &ram, &caps) == NEST_OK);
		CHECK(ram == ram_arg && caps == caps_arg);
	} else {
		CHECK(nest_args_quota(in->args, &ram, &caps) == NEST_ERR_INVALID_ARGS);
	}
}

/* whether key2 reads the same in 'args' as in the input */
static bool key2_unchanged(struct input *in, const char *args)
{
	enum nest_error before = value_of(in, in->args, in->key2, in->buf);
	enum nest_error after = value_of(in, args, in->key2, in->buf2);

	return !strcmp(in->key, in->key2) || (before == after && !strcmp(in->buf, in->buf2));
}

/* set 'key' in a copy of the arguments held in a buffer of exactly 'size' bytes */
static enum nest_error set_in(struct input *in, bool number, char **out, size_t size)
{
	char *args = malloc(size);

	CHECK(args != NULL);
	memcpy(args, in->args, strlen(in->args) + 1);
	*out = args;
	if (number)
		return nest_args_set_u64(args, size, in->key, in->number);
	return nest_args_set_str(args, size, in->key, in->value);
}

/* set_str() or set_u64() on a well-formed string, then remove() */
static void check_set(struct input *in, bool number)
{
	size_t len = strlen(in->args);
	size_t room = len + 1 + strlen(in->key) + 2 * strlen(in->value) + 32;
	enum nest_error e, found = value_of(in, in->args, in->key, in->buf);
	uint64_t value = ~in->number;
	char *args, *tight, expected[24];
	size_t result_len;

	if (number)
		snprintf(expected, sizeof(expected), "%llu", (unsigned long long)in->number);
	e = set_in(in, number, &args, room);
	if (!key_is_valid(in->key)) {
		CHECK(e == NEST_ERR_INVALID_ARGS && !strcmp(args, in->args));
		free(args);
		return;
	}
	CHECK(e == NEST_OK);
	CHECK(nest_args_validate(args) == NEST_OK);
	result_len = strlen(args);
	CHECK(result_len < room);

	/* it reads back, the other key is untouched */
	CHECK(value_of(in, args, in->key, in->buf2) == NEST_OK);
	CHECK(!strcmp(in->buf2, number ? expected : in->value));
	if (number)
		CHECK(nest_args_u64(args, in->key, &value) == NEST_OK && value == in->number);
	else
		CHECK(nest_args_u64(args, in->key, &value) == NEST_ERR_SYNTAX);
	CHECK(key2_unchanged(in, args));

	/* a buffer of exactly the result's size suffices, a byte less does not
	 * (where the buffer holds the input at all) */
	if (len <= result_len) {
		CHECK(set_in(in, number, &tight, result_len + 1) == NEST_OK);
		CHECK(!strcmp(tight, args));
		free(tight);
	}
	if (len < result_len) {
		CHECK(set_in(in, number, &tight, result_len) == NEST_ERR_MSG_TOO_LARGE);
		CHECK(!strcmp(tight, in->args));
		free(tight);
	}

	/* setting the same again changes nothing */
	memcpy(in->buf2, args, result_len + 1);
	CHECK((number ? nest_args_set_u64(args, room, in->key, in->number)
	              : nest_args_set_str(args, room, in->key, in->value)) == NEST_OK);
	CHECK(!strcmp(args, in->buf2));

	/* removed, it is gone and the rest still parses */
	CHECK(nest_args_remove(args, in->key) == NEST_OK);
	CHECK(strlen(args) < result_len);
	CHECK(nest_args_validate(args) == NEST_OK);
	CHECK(value_of(in, args, in->key, in->buf2) == NEST_ERR_NOT_FOUND);
	CHECK(nest_args_remove(args, in->key) == NEST_ERR_NOT_FOUND);
	CHECK(key2_unchanged(in, args));
	free(args);

	/* remove() on the input finds what str() found */
	args = copy_of(in->args, len);
	e = nest_args_remove(args, in->key);
	CHECK(e == found);
	if (e == NEST_OK) {
		CHECK(nest_args_validate(args) == NEST_OK);
		CHECK(value_of(in, args, in->key, in->buf2) == NEST_ERR_NOT_FOUND);
		CHECK(key2_unchanged(in, args));
	} else {
		CHECK(!strcmp(args, in->args));
	}
	free(args);
}

/* the element after the last arrow, with no arrow after it */
static void check_last(const char *label)
{
	const char *last = nest_label_last(label);

	CHECK(last >= label && last <= label + strlen(label));
	CHECK(last == label || !memcmp(last - strlen(arrow), arrow, strlen(arrow)));
	CHECK(!strstr(last, arrow));
}

/* "prefix -> label" into an exact buffer, one byte short, and in place */
static void check_prepend(const char *prefix, const char *label)
{
	size_t prefix_len = strlen(prefix), label_len = strlen(label);
	size_t arrow_len = prefix_len && label_len ? strlen(arrow) : 0;
	size_t len = prefix_len + arrow_len + label_len;
	char *out = malloc(len + 1), *expected = malloc(len + 1), *in_place;

	CHECK(out && expected);
	memcpy(expected, prefix, prefix_len);
	memcpy(expected + prefix_len, arrow, arrow_len);
	memcpy(expected + prefix_len + arrow_len, label, label_len + 1);

	CHECK(nest_label_prepend(out, len + 1, prefix, label) == NEST_OK);
	CHECK(!strcmp(out, expected));
	check_last(out);
	if (prefix_len && label_len) {
		const char *last = nest_label_last(label);

		CHECK(nest_label_last(out) >= out + prefix_len + arrow_len);
		if (last != label)
			CHECK(nest_label_last(out) == out + prefix_len + arrow_len + (last - label));
	}
	out[0] = 'x';
	CHECK(nest_label_prepend(out, len, prefix, label) == NEST_ERR_MSG_TOO_LARGE);
	CHECK(len == 0 ? out[0] == 'x' : out[0] == 0);

	in_place = copy_of(label, label_len);
	if (len > label_len)
		CHECK(nest_label_prepend(in_place, label_len + 1, prefix, in_place) ==
		      NEST_ERR_MSG_TOO_LARGE && !strcmp(in_place, label));
	in_place = realloc(in_place, len + 1);
	CHECK(in_place != NULL);
	CHECK(nest_label_prepend(in_place, len + 1, prefix, in_place) == NEST_OK);
	CHECK(!strcmp(in_place, expected));
	free(in_place);

	in_place = copy_of(prefix, prefix_len);
	if (len > prefix_len)
		CHECK(nest_label_prepend(in_place, prefix_len + 1, in_place, label) ==
		      NEST_ERR_MSG_TOO_LARGE && !strcmp(in_place, prefix));
	in_place = realloc(in_place, len + 1);
	CHECK(in_place != NULL);
	CHECK(nest_label_prepend(in_place, len + 1, in_place, label) == NEST_OK);
	CHECK(!strcmp(in_place, expected));
	free(in_place);

	free(out);
	free(expected);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct input in;
	char *label;

	in.args = next_part(&p, end, "");
	in.key = next_part(&p, end, "label");
	in.value = next_part(&p, end, "init -> client");
	in.key2 = next_part(&p, end, "ram_quota");
	in.prefix = next_part(&p, end, "init");
	in.number = 0;
	memcpy(&in.number, in.value, strlen(in.value) < 8 ? strlen(in.value) : 8);
	/* room for any value read from the input or from a rewrite of it */
	in.size = strlen(in.args) + strlen(in.key) + 2 * strlen(in.value) + 64;
	in.buf = malloc(in.size);
	in.buf2 = malloc(in.size);
	CHECK(in.buf && in.buf2);

	if (nest_args_validate(in.args) != NEST_OK) {
		check_malformed(&in);
		label = copy_of(in.value, strlen(in.value));
	} else {
		check_read(&in, in.key);
		check_read(&in, in.key2);
		check_label_and_quota(&in);
		check_set(&in, false);
		check_set(&in, true);
		if (nest_args_label(in.args, in.buf, in.size) != NEST_OK)
			in.buf[0] = 0;       /* not printable, as check_label_and_quota saw */
		label = copy_of(in.buf, strlen(in.buf));
	}
	check_last(label);
	check_prepend(in.prefix, label);
	check_prepend(label, in.prefix);

	free(label);
	free(in.args);
	free(in.key);
	free(in.value);
	free(in.key2);
	free(in.prefix);
	free(in.buf);
	free(in.buf2);
	return 0;
}
