/*
 * \brief  libFuzzer target for the XML parser
 *
 * A configuration is written by whoever fills a ROM, so nest_xml_parse() has
 * to survive any bytes, and for every document it accepts the navigation
 * functions have to keep the promises of include/nest/xml.h. This target
 * parses the input, walks the whole tree of an accepted document through the
 * public interface only and abort()s where a result contradicts the header;
 * AddressSanitizer and UndefinedBehaviorSanitizer catch the rest. libFuzzer
 * hands the input over in a heap buffer of exactly its size and every
 * re-parse works on an exact copy, so a read past a node's end is caught.
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
#include <nest/xml.h>
#include "tests/fuzz/targets/reference_number.h"

/* the parser's buffer for a number (nest_xml_attr_u64) holds 31 characters */
enum { NUMBER_CHARS_MAX = 31, TYPE_CHECKS_MAX = 16, RAW_DEPTH_MAX = 8 };

struct walk {
	const char *doc;         /* the input */
	const char *end;         /* document end: the input's size or its first NUL */
	unsigned    lines;       /* lines of the document */
	size_t      size;        /* size of every scratch buffer, room for any value */
	char       *name, *name2, *value, *value2, *type;
};

static void violated(const char *what, int line)
{
	fprintf(stderr, "xml_fuzz.c:%d: invariant violated: %s\n", line, what);
	abort();
}

#define CHECK(cond) ((cond) ? (void)0 : violated(#cond, __LINE__))

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == ':';
}

static bool starts_with(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* position after the first 's' in [p, end), or NULL */
static const char *skip_to(const char *p, const char *end, const char *s)
{
	for (; p < end; p++)
		if (starts_with(p, end, s))
			return p + strlen(s);
	return NULL;
}

/*
 * Whether [p, end) holds only text and comments (between elements) or, if
 * 'space_only', only white space and comments, plus an XML declaration
 * before anything but white space if 'declaration'. This shows that the walk skipped no
 * element.
 */
static bool no_markup(const char *p, const char *end, bool space_only, bool declaration)
{
	while (declaration && p < end && is_space(*p))
		p++;
	if (declaration && starts_with(p, end, "<?xml") &&
	    (size_t)(end - p) > 5 && (is_space(p[5]) || p[5] == '?')) {
		p = skip_to(p + 5, end, "?>");
		if (!p)
			return false;
	}
	while (p < end) {
		if (starts_with(p, end, "<!--")) {
			p = skip_to(p + 4, end, "-->");
			if (!p)
				return false;
		} else if (*p == '<' || (space_only && !is_space(*p))) {
			return false;
		} else {
			p++;
		}
	}
	return true;
}

static int bool_word(const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[]  = { "no", "false", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i]))
			return 1;
		if (!strcmp(s, no[i]))
			return 0;
	}
	return -1;
}

/* the attribute number 'index', already read into w->name and w->value */
static void check_attr(struct walk *w, const struct nest_xml_node *node, unsigned index)
{
	const uint64_t unset = 0x5a5a5a5a5a5a5a5aULL;
	size_t name_len = strlen(w->name), value_len = strlen(w->value);
	uint64_t number = unset, expected;
	int word = bool_word(w->value);
	bool is_number;

	CHECK(name_len > 0);
	for (const char *p = w->name; *p; p++)
		CHECK(is_name_char(*p));

	/* by name, the same attribute (names are unique within a tag) */
	CHECK(nest_xml_has_attr(node, w->name));
	CHECK(nest_xml_attr_str(node, w->name, w->value2, w->size));
	CHECK(!strcmp(w->value, w->value2));
	CHECK(nest_xml_attr_eq(node, w->name, w->value));
	if (value_len) {
		CHECK(!nest_xml_attr_str(node, w->name, w->value2, value_len));
		CHECK(w->value2[0] == 0);
		w->value2[value_len - 1] = 0;
		CHECK(!nest_xml_attr_eq(node, w->name, w->value2));
	}
	CHECK(nest_xml_attr_str(node, w->name, w->value2, value_len + 1));
	CHECK(!strcmp(w->value, w->value2));

	/* by index, asking for one half or with a buffer one byte short */
	CHECK(nest_xml_attr_at(node, index, NULL, 0, w->value2, w->size));
	CHECK(!strcmp(w->value, w->value2));
	CHECK(nest_xml_attr_at(node, index, w->name2, w->size, NULL, 0));
	CHECK(!strcmp(w->name, w->name2));
	CHECK(!nest_xml_attr_at(node, index, w->name2, name_len, w->value2, w->size));
	CHECK(w->name2[0] == 0 && w->value2[0] == 0);

	/* numbers; a value longer than the parser's buffer is refused even
	 * where the syntax allows it (leading zeros) */
	is_number = reference_number(w->value, &expected) == 1;
	if (nest_xml_attr_u64(node, w->name, &number)) {
		CHECK(is_number);
		CHECK(number == expected);
	} else {
		CHECK(number == unset);
		CHECK(!is_number || value_len > NUMBER_CHARS_MAX);
	}

	CHECK(nest_xml_attr_bool(node, w->name, true) == (word != 0));
	CHECK(nest_xml_attr_bool(node, w->name, false) == (word == 1));
}

static void check_attrs(struct walk *w, const struct nest_xml_node *node)
{
	uint64_t number = 1;
	unsigned i;

	for (i = 0; nest_xml_attr_at(node, i, w->name, w->size, w->value, w->size); i++) {
		CHECK(i < NEST_XML_MAX_ATTRS);
		check_attr(w, node, i);
	}
	CHECK(w->name[0] == 0 && w->value[0] == 0);

	/* an absent attribute */
	CHECK(!nest_xml_has_attr(node, ""));
	CHECK(!nest_xml_attr_str(node, "", w->value, w->size) && w->value[0] == 0);
	CHECK(!nest_xml_attr_eq(node, "", ""));
	CHECK(!nest_xml_attr_u64(node, "", &number) && number == 1);
	CHECK(nest_xml_attr_bool(node, "", true) && !nest_xml_attr_bool(node, "", false));
}

/* a node's own text, copied to a buffer of its exact length, is a document */
static void check_reparse(const struct nest_xml_node *node)
{
	struct nest_xml_node root;
	char *copy = malloc(node->len);

	CHECK(copy != NULL);
	memcpy(copy, node->start, node->len);
	CHECK(nest_xml_parse(copy, node->len, &root, NULL) == NEST_OK);
	CHECK(root.start == copy && root.len == node->len);
	free(copy);
}

/* the i-th child, where nest_xml_sub() and nest_xml_next_of_type() find it too */
static void check_type_lookup(struct walk *w, const struct nest_xml_node *node,
                              const struct nest_xml_node *child)
{
	struct nest_xml_node n;

	nest_xml_type(child, w->type, w->size);
	CHECK(nest_xml_sub(node, w->type, &n));
	CHECK(nest_xml_has_type(&n, w->type));
	CHECK(n.start <= child->start);
	while (n.start < child->start) {
		CHECK(nest_xml_next_of_type(&n, w->type, &n));
		CHECK(nest_xml_has_type(&n, w->type));
	}
	CHECK(n.start == child->start && n.len == child->len);
	CHECK(nest_xml_sub_count(node, w->type) >= 1);
}

static void walk_node(struct walk *w, const struct nest_xml_node *node, unsigned depth,
                      unsigned parent_line)
{
	const char *end = node->start + node->len, *content, *prev_end;
	struct nest_xml_node child;
	bool empty, more;
	size_t type_len, content_len;
	unsigned line, count = 0, child_line;
	char small[2] = { 'x', 'x' };

	/* the node lies in the document and is an element */
	CHECK(depth < NEST_XML_MAX_DEPTH);
	CHECK(node->start >= w->doc && node->len >= 4 && node->len <= (size_t)(w->end - node->start));
	CHECK(node->start[0] == '<' && end[-1] == '>');
	empty = end[-2] == '/';

	type_len = nest_xml_type(node, w->type, w->size);
	CHECK(type_len > 0 && type_len == strlen(w->type));
	CHECK(!memcmp(node->start + 1, w->type, type_len));
	CHECK(nest_xml_has_type(node, w->type));
	for (const char *p = w->type; *p; p++)
		CHECK(is_name_char(*p));
	CHECK(nest_xml_type(node, small, 0) == type_len && small[0] == 'x');
	CHECK(nest_xml_type(node, small, 2) == type_len && small[0] == w->type[0] && !small[1]);

	line = nest_xml_line(node, w->doc);
	CHECK(line >= parent_line && line <= w->lines);

	check_reparse(node);
	check_attrs(w, node);

	/* the content is between the opening tag and the matching closing tag */
	nest_xml_content(node, &content, &content_len);
	CHECK(content > node->start + type_len && content <= end);
	CHECK(content_len <= (size_t)(end - content));
	if (empty) {
		CHECK(content_len == 0);
	} else {
		CHECK(content[-1] == '>' && starts_with(content + content_len, end, "</"));
		CHECK(!memcmp(content + content_len + 2, node->start + 1, type_len));
		CHECK(!is_name_char(content[content_len + 2 + type_len]));
	}

	/* children, in order, with nothing but text and comments between them */
	prev_end = content;
	for (more = nest_xml_first_sub(node, &child); more; more = nest_xml_next(&child, &child)) {
		CHECK(!empty);
		CHECK(child.start >= prev_end);
		CHECK(child.len <= (size_t)(content + content_len - child.start));
		CHECK(child.parent_end == content + content_len);
		CHECK(no_markup(prev_end, child.start, false, false));
		child_line = nest_xml_line(&child, w->doc);
		walk_node(w, &child, depth + 1, line);
		if (count < TYPE_CHECKS_MAX)
			check_type_lookup(w, node, &child);
		prev_end = child.start + child.len;
		line = child_line;
		count++;
	}
	if (!empty)
		CHECK(no_markup(prev_end, content + content_len, false, false));
	CHECK(nest_xml_sub_count(node, NULL) == count);
}

/* the error of a refused document names a position within it */
static void check_error(const struct walk *w, const struct nest_xml_node *root,
                        const struct nest_xml_error *error)
{
	CHECK(root->start == NULL && root->len == 0 && root->parent_end == NULL);
	CHECK(error->line >= 1 && error->line <= w->lines && error->column >= 1);
	CHECK(memchr(error->message, 0, sizeof(error->message)) != NULL);
	CHECK(error->message[0] != 0);
}

/*
 * Navigation on a node the parser did not produce: the whole input as it is.
 * Nothing is promised about the results but that they stay in the node and
 * that no function reads outside it.
 */
static void walk_raw(struct walk *w, const struct nest_xml_node *node, unsigned depth)
{
	const char *end = node->start + node->len, *content;
	struct nest_xml_node child;
	size_t content_len;
	uint64_t number;
	bool more;

	nest_xml_type(node, w->type, w->size);
	nest_xml_has_type(node, w->type);
	nest_xml_line(node, node->start);
	nest_xml_content(node, &content, &content_len);
	if (content_len)
		CHECK(content >= node->start && content + content_len <= end);
	for (unsigned i = 0; nest_xml_attr_at(node, i, w->name, w->size, w->value, w->size); i++) {
		nest_xml_attr_u64(node, w->name, &number);
		nest_xml_attr_bool(node, w->name, false);
	}
	nest_xml_sub_count(node, NULL);
	if (depth == RAW_DEPTH_MAX)
		return;
	for (more = nest_xml_first_sub(node, &child); more; more = nest_xml_next(&child, &child)) {
		CHECK(child.start >= node->start && child.len <= (size_t)(end - child.start));
		walk_raw(w, &child, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, 0, size);
	struct nest_xml_node root, again, raw = { text, size, text + size };
	struct nest_xml_error error;
	enum nest_error result;
	struct walk w = {
		.doc = text,
		.end = nul ? nul : text + size,
		.lines = 1,
		.size = size + 1,
	};

	for (const char *p = w.doc; p < w.end; p++)
		w.lines += *p == '\n';
	w.name = malloc(w.size);
	w.name2 = malloc(w.size);
	w.value = malloc(w.size);
	w.value2 = malloc(w.size);
	w.type = malloc(w.size);
	CHECK(w.name && w.name2 && w.value && w.value2 && w.type);

	result = nest_xml_parse(text, size, &root, &error);

	/* the same verdict without an error buffer and when cut at the NUL */
	CHECK(nest_xml_parse(text, size, &again, NULL) == result);
	CHECK(!memcmp(&again, &root, sizeof(root)));
	CHECK(nest_xml_parse(text, (size_t)(w.end - text), &again, NULL) == result);
	CHECK(!memcmp(&again, &root, sizeof(root)));

	if (result == NEST_OK) {
		CHECK(error.message[0] == 0);
		CHECK(root.parent_end == root.start + root.len);
		CHECK(no_markup(w.doc, root.start, true, true));
		CHECK(no_markup(root.start + root.len, w.end, true, false));
		CHECK(!nest_xml_next(&root, &again));
		walk_node(&w, &root, 0, 1);
	} else {
		CHECK(result == NEST_ERR_SYNTAX);
		check_error(&w, &root, &error);
	}
	if (size >= 4)
		walk_raw(&w, &raw, 0);

	free(w.name);
	free(w.name2);
	free(w.value);
	free(w.value2);
	free(w.type);
	return 0;
}
