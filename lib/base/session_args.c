/*
 * \brief  Parsing and rewriting of session-argument strings and labels
 *
 * Every operation first scans the whole string, so a malformed or ambiguous
 * (repeated key) string is refused as a whole instead of being half
 * understood. Rewriting computes the final length before it touches the
 * buffer, so a failed call leaves the arguments as they were.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <nest/number.h>
#include <nest/session_args.h>

struct arg {
	const char *key;
	size_t      key_len;
	const char *value;      /* raw, including quotes */
	size_t      value_len;
};

/* result of scanning a whole string for one key */
struct match {
	bool        found;
	unsigned    count;      /* number of arguments in the string */
	struct arg  arg;
	const char *prev_end;   /* end of the preceding argument, NULL if first */
	const char *next_key;   /* key of the following argument, NULL if last */
};

static const char arrow[] = " -> ";

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_key_char(char c)
{
	return is_alnum(c) || c == '_';
}

static bool is_token_char(char c)
{
	return is_alnum(c) || c == '_' || c == '.';
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* end of the quoted string at p, which points to its opening quote, or NULL */
static const char *quoted_end(const char *p)
{
	for (p++; *p != '"'; p++) {
		if (!*p)
			return NULL;
		if (*p == '\\' && p[1] != '"' && p[1] != '\\')
			return NULL;
		if (*p == '\\')
			p++;
	}
	return p + 1;
}

/*
 * Parse the argument at *pos, preceded by a comma unless it is the first.
 * NEST_ERR_NOT_FOUND at the proper end of the string.
 */
static enum nest_error next_arg(const char **pos, bool first, struct arg *a)
{
	const char *p = skip_space(*pos);

	if (!*p)
		return NEST_ERR_NOT_FOUND;
	if (!first && *p++ != ',')
		return NEST_ERR_SYNTAX;
	a->key = p = skip_space(p);
	while (is_key_char(*p))
		p++;
	a->key_len = (size_t)(p - a->key);
	p = skip_space(p);
	if (!a->key_len || *p != '=')
		return NEST_ERR_SYNTAX;
	a->value = p = skip_space(p + 1);
	if (*p == '"') {
		p = quoted_end(p);
		if (!p)
			return NEST_ERR_SYNTAX;
	} else {
		while (is_token_char(*p))
			p++;
	}
	a->value_len = (size_t)(p - a->value);
	if (!a->value_len)
		return NEST_ERR_SYNTAX;
	*pos = p;
	return NEST_OK;
}

static bool key_is(const struct arg *a, const char *key, size_t len)
{
	return a->key_len == len && !memcmp(a->key, key, len);
}

/* whether an argument before 'a' has the same key */
static bool repeated(const char *args, const struct arg *a)
{
	struct arg b;
	bool first = true;

	for (; next_arg(&args, first, &b) == NEST_OK && b.key < a->key; first = false)
		if (key_is(&b, a->key, a->key_len))
			return true;
	return false;
}

/* validate the whole string and look for 'key' (may be NULL) */
static enum nest_error scan(const char *args, const char *key, struct match *m)
{
	size_t key_len = key ? strlen(key) : 0;
	const char *pos = args, *prev_end = NULL;
	enum nest_error e;
	struct arg a;

	memset(m, 0, sizeof(*m));
	while ((e = next_arg(&pos, m->count == 0, &a)) == NEST_OK) {
		if (repeated(args, &a))
			return NEST_ERR_SYNTAX;
		if (m->found && !m->next_key)
			m->next_key = a.key;
		if (key && key_is(&a, key, key_len)) {
			m->found = true;
			m->arg = a;
			m->prev_end = prev_end;
		}
		prev_end = pos;
		m->count++;
	}
	return e == NEST_ERR_NOT_FOUND ? NEST_OK : e;
}

/* length of 'value' as written by encode() */
static size_t encoded_len(const char *value, bool quote)
{
	size_t len = strlen(value);

	if (!quote)
		return len;
	for (const char *p = value; *p; p++)
		len += *p == '"' || *p == '\\';
	return len + 2;
}

static void encode(char *dst, const char *value, bool quote)
{
	if (!quote) {
		memcpy(dst, value, strlen(value));
		return;
	}
	*dst++ = '"';
	for (; *value; value++) {
		if (*value == '"' || *value == '\\')
			*dst++ = '\\';
		*dst++ = *value;
	}
	*dst = '"';
}

static enum nest_error set(char *args, size_t size, const char *key, const char *value, bool quote)
{
	size_t len = strlen(args), key_len = strlen(key), value_len = encoded_len(value, quote);
	struct match m;
	enum nest_error e;

	for (const char *p = key; *p; p++)
		if (!is_key_char(*p))
			return NEST_ERR_INVALID_ARGS;
	if (!key_len)
		return NEST_ERR_INVALID_ARGS;
	e = scan(args, key, &m);
	if (e)
		return e;
	if (m.found) {
		char *v = args + (m.arg.value - args);
		size_t tail = len - (size_t)(v - args) - m.arg.value_len;

		if (len - m.arg.value_len + value_len >= size)
			return NEST_ERR_MSG_TOO_LARGE;
		memmove(v + value_len, v + m.arg.value_len, tail + 1);
		encode(v, value, quote);
		return NEST_OK;
	}
	if (!m.count)
		len = 0;
	if (len + (m.count ? 2 : 0) + key_len + 1 + value_len >= size)
		return NEST_ERR_MSG_TOO_LARGE;
	if (m.count) {
		memcpy(args + len, ", ", 2);
		len += 2;
	}
	memcpy(args + len, key, key_len);
	args[len + key_len] = '=';
	encode(args + len + key_len + 1, value, quote);
	args[len + key_len + 1 + value_len] = 0;
	return NEST_OK;
}

enum nest_error nest_args_validate(const char *args)
{
	struct match m;

	return scan(args, NULL, &m);
}

enum nest_error nest_args_str(const char *args, const char *key, char *buf, size_t size)
{
	const char *p, *end;
	enum nest_error e;
	struct match m;
	size_t n = 0;

	if (size)
		buf[0] = 0;
	e = scan(args, key, &m);
	if (e)
		return e;
	if (!m.found)
		return NEST_ERR_NOT_FOUND;
	p = m.arg.value;
	end = p + m.arg.value_len;
	if (*p == '"') {
		p++;
		end--;
	}
	for (; p < end; p++) {
		if (n + 1 >= size) {
			if (size)
				buf[0] = 0;
			return NEST_ERR_MSG_TOO_LARGE;
		}
		if (*p == '\\')
			p++;
		buf[n++] = *p;
	}
	if (size)
		buf[n] = 0;
	return size ? NEST_OK : NEST_ERR_MSG_TOO_LARGE;
}

enum nest_error nest_args_u64(const char *args, const char *key, uint64_t *value)
{
	enum nest_error e;
	struct match m;

	e = scan(args, key, &m);
	if (e)
		return e;
	if (!m.found)
		return NEST_ERR_NOT_FOUND;
	return nest_parse_number(m.arg.value, m.arg.value_len, value);
}

enum nest_error nest_args_set_str(char *args, size_t size, const char *key, const char *value)
{
	return set(args, size, key, value, true);
}

enum nest_error nest_args_set_u64(char *args, size_t size, const char *key, uint64_t value)
{
	char number[24];

	snprintf(number, sizeof(number), "%llu", (unsigned long long)value);
	return set(args, size, key, number, false);
}

enum nest_error nest_args_remove(char *args, const char *key)
{
	enum nest_error e;
	struct match m;
	char *from, *to;

	e = scan(args, key, &m);
	if (e)
		return e;
	if (!m.found)
		return NEST_ERR_NOT_FOUND;
	if (m.prev_end) {
		/* ", key=value" after the preceding argument */
		from = args + (m.prev_end - args);
		to = args + (m.arg.value - args) + m.arg.value_len;
	} else if (m.next_key) {
		/* "key=value, " before the following argument */
		from = args + (m.arg.key - args);
		to = args + (m.next_key - args);
	} else {
		args[0] = 0;
		return NEST_OK;
	}
	memmove(from, to, strlen(to) + 1);
	return NEST_OK;
}

enum nest_error nest_label_prepend(char *out, size_t size, const char *prefix, const char *label)
{
	size_t prefix_len = strlen(prefix), label_len = strlen(label);
	size_t arrow_len = prefix_len && label_len ? strlen(arrow) : 0;

	if (prefix_len + arrow_len + label_len >= size) {
		if (size && out != prefix && out != label)
			out[0] = 0;
		return NEST_ERR_MSG_TOO_LARGE;
	}
	/* the label first, so that 'out' may be 'label' or 'prefix' */
	memmove(out + prefix_len + arrow_len, label, label_len + 1);
	memmove(out, prefix, prefix_len);
	memcpy(out + prefix_len, arrow, arrow_len);
	return NEST_OK;
}

const char *nest_label_last(const char *label)
{
	const char *last = label;

	for (const char *p = label; (p = strstr(p, arrow)); p++)
		last = p + strlen(arrow);
	return last;
}

enum nest_error nest_args_u64_or(const char *args, const char *key, uint64_t fallback,
                                 uint64_t *value)
{
	enum nest_error err = nest_args_u64(args, key, value);
	if (err == NEST_ERR_NOT_FOUND) {
		*value = fallback;
		return NEST_OK;
	}
	return err ? NEST_ERR_INVALID_ARGS : NEST_OK;
}

enum nest_error nest_args_quota(const char *args, uint64_t *ram, uint64_t *caps)
{
	if (nest_args_u64_or(args, "ram_quota", 0, ram) ||
	    nest_args_u64_or(args, "cap_quota", 0, caps))
		return NEST_ERR_INVALID_ARGS;
	return NEST_OK;
}

size_t nest_text_control(const char *at)
{
	const unsigned char *c = (const unsigned char *)at;
	if (*c < 0x20 || *c == 0x7f)
		return 1;
	return c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f ? 2 : 0;
}

bool nest_text_printable(const char *text)
{
	for (; *text; text++)
		if (nest_text_control(text))
			return false;
	return true;
}

enum nest_error nest_args_label(const char *args, char *label, size_t size)
{
	enum nest_error err = nest_args_str(args, "label", label, size);
	if (err == NEST_ERR_NOT_FOUND && size) {
		label[0] = 0;
		return NEST_OK;
	}
	if (!err && !nest_text_printable(label))
		err = NEST_ERR_INVALID_ARGS;
	return err ? NEST_ERR_INVALID_ARGS : NEST_OK;
}
