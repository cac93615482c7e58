/*
 * \brief  Validating, non-allocating XML parser for configurations
 *
 * nest_xml_parse() walks the document once with an explicit stack of open
 * elements (bounded by NEST_XML_MAX_DEPTH) and rejects anything outside the
 * small XML subset that Genode's configurations use. Navigation relies on
 * that validation: it only has to tell tags, comments and quoted values
 * apart, yet every scan is still bounded by the node's end, so even a node
 * that was not produced by the parser cannot make it read out of bounds.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <nest/number.h>
#include <nest/xml.h>

enum { NAME_IN_MESSAGE = 40 }; /* longest name quoted in an error message */

struct parser {
	const char            *doc;  /* document start, for line and column */
	const char            *p;    /* current position */
	const char            *end;  /* document end, the text holds no NUL before */
	struct nest_xml_error *error;
};

struct name {
	const char *s;
	size_t      len;
};

struct attr {
	struct name name;
	struct name value;  /* raw, entities not yet decoded */
};

static const struct {
	const char *text;
	char        c;
} entities[] = {
	{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' },
};

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

static size_t name_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && is_name_char(*q))
		q++;
	return (size_t)(q - p);
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

/* position of the first occurrence of 's' in [p, end), or NULL */
static const char *find(const char *p, const char *end, const char *s)
{
	for (; p < end; p++)
		if (starts_with(p, end, s))
			return p;
	return NULL;
}

/* index of the entity that starts at p, or -1 */
static int entity_at(const char *p, const char *end)
{
	for (int i = 0; i < (int)(sizeof(entities) / sizeof(entities[0])); i++)
		if (starts_with(p, end, entities[i].text))
			return i;
	return -1;
}

/* decode one character of an attribute value and advance past it */
static char decode_char(const char **p, const char *end)
{
	int i = entity_at(*p, end);

	if (i < 0)
		return *(*p)++;
	*p += strlen(entities[i].text);
	return entities[i].c;
}


/*
 * Validation
 */

/* character at p, or NUL at the end of the document */
static char ch(const struct parser *ps, const char *p)
{
	return p < ps->end ? *p : 0;
}

static int print_len(const struct name *name)
{
	return name->len > NAME_IN_MESSAGE ? NAME_IN_MESSAGE : (int)name->len;
}

/* a character as it appears in a message: quoted if printable, hex if not */
static const char *char_text(char c, char buf[8])
{
	snprintf(buf, 8, c > 0x20 && c < 0x7f ? "'%c'" : "0x%02x", (unsigned char)c);
	return buf;
}

/* record an error at 'at'; any error found at the end is an unexpected end */
__attribute__((format(printf, 3, 4)))
static bool fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	struct nest_xml_error *e = ps->error;
	va_list ap;

	if (!e)
		return false;
	e->line = e->column = 1;
	for (const char *q = ps->doc; q < at; q++, e->column++) {
		if (*q == '\n') {
			e->line++;
			e->column = 0;
		}
	}
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	if (at == ps->end)
		snprintf(e->message, sizeof(e->message), "unexpected end of document");
	return false;
}

/* skip a comment or declaration at ps->p up to and including its terminator */
static bool skip_past(struct parser *ps, size_t from, const char *terminator, const char *what)
{
	const char *q = find(ps->p + from, ps->end, terminator);

	if (!q)
		return fail(ps, ps->p, "unterminated %s", what);
	ps->p = q + strlen(terminator);
	return true;
}

static bool fail_markup(struct parser *ps)
{
	return fail(ps, ps->p, "unsupported markup '%.2s'", ps->p);
}

static bool is_markup(const struct parser *ps)
{
	return ch(ps, ps->p + 1) == '!' || ch(ps, ps->p + 1) == '?';
}

static bool parse_attr_value(struct parser *ps, const char *p, const struct name *attr)
{
	char quote = ch(ps, p), c, buf[8];

	if (quote != '"' && quote != '\'')
		return fail(ps, p, "value of attribute '%.*s' is not quoted",
		            print_len(attr), attr->s);
	for (p++; (c = ch(ps, p)) != quote; p++) {
		int entity = entity_at(p, ps->end);

		if (!c || c == '<' || (c == '&' && entity < 0))
			return fail(ps, p, "invalid character %s in attribute value",
			            char_text(c, buf));
		if (c == '&')
			p += strlen(entities[entity].text) - 1;
	}
	ps->p = p + 1;
	return true;
}

/* opening tag at ps->p up to its '>' or '/>' */
static bool parse_open_tag(struct parser *ps, struct name *tag, bool *empty)
{
	struct name attrs[NEST_XML_MAX_ATTRS];
	const char *p = ps->p + 1;
	unsigned count = 0;
	char c[8];

	tag->s = p;
	tag->len = name_len(p, ps->end);
	if (!tag->len)
		return fail(ps, p, "invalid character %s after '<'", char_text(ch(ps, p), c));
	for (p += tag->len;; p = ps->p) {
		const char *q = skip_space(p, ps->end);
		struct name a = { q, name_len(q, ps->end) };

		if (ch(ps, q) == '>' || (ch(ps, q) == '/' && ch(ps, q + 1) == '>')) {
			*empty = *q == '/';
			ps->p = q + 1 + *empty;
			return true;
		}
		if (ch(ps, q) == '/')
			return fail(ps, q + 1, "expected '>' after '/' in tag '<%.*s>'",
			            print_len(tag), tag->s);
		if (!a.len)
			return fail(ps, q, "invalid character %s in tag '<%.*s>'",
			            char_text(ch(ps, q), c), print_len(tag), tag->s);
		if (q == p)
			return fail(ps, q, "missing space before attribute in tag '<%.*s>'",
			            print_len(tag), tag->s);
		for (unsigned i = 0; i < count; i++)
			if (attrs[i].len == a.len && !memcmp(attrs[i].s, a.s, a.len))
				return fail(ps, q, "duplicate attribute '%.*s'",
				            print_len(&a), a.s);
		if (count == NEST_XML_MAX_ATTRS)
			return fail(ps, q, "more than %d attributes in tag '<%.*s>'",
			            NEST_XML_MAX_ATTRS, print_len(tag), tag->s);
		attrs[count++] = a;
		q = skip_space(q + a.len, ps->end);
		if (ch(ps, q) != '=')
			return fail(ps, q, "attribute '%.*s' has no value", print_len(&a), a.s);
		if (!parse_attr_value(ps, skip_space(q + 1, ps->end), &a))
			return false;
	}
}

/* closing tag at ps->p, which must match the innermost open element */
static bool parse_close_tag(struct parser *ps, const struct name *open)
{
	struct name tag = { ps->p + 2, name_len(ps->p + 2, ps->end) };
	const char *q = skip_space(tag.s + tag.len, ps->end);
	const char *bad = tag.len ? q : tag.s;
	char c[8];

	if (!tag.len || ch(ps, q) != '>')
		return fail(ps, bad, "invalid character %s in closing tag",
		            char_text(ch(ps, bad), c));
	if (tag.len != open->len || memcmp(tag.s, open->s, tag.len))
		return fail(ps, ps->p, "mismatching closing tag '</%.*s>' for '<%.*s>'",
		            print_len(&tag), tag.s, print_len(open), open->s);
	ps->p = q + 1;
	return true;
}

/* an element and all its content, ps->p points to its '<' */
static bool parse_element(struct parser *ps)
{
	struct {
		struct name name;
		const char *at;
	} open[NEST_XML_MAX_DEPTH];
	unsigned depth = 0;

	for (;;) {
		const char *at = ps->p;
		struct name name;
		bool empty;

		if (depth == NEST_XML_MAX_DEPTH)
			return fail(ps, at, "nesting deeper than %d", NEST_XML_MAX_DEPTH);
		if (!parse_open_tag(ps, &name, &empty))
			return false;
		if (!empty) {
			open[depth].name = name;
			open[depth].at = at;
			depth++;
		}

		/* text, comments and closing tags up to the next opening tag */
		while (depth > 0) {
			struct name *top = &open[depth - 1].name;

			ps->p = memchr(ps->p, '<', (size_t)(ps->end - ps->p));
			if (!ps->p)
				return fail(ps, open[depth - 1].at, "unclosed tag '%.*s'",
				            print_len(top), top->s);
			if (starts_with(ps->p, ps->end, "<!--")) {
				if (!skip_past(ps, 4, "-->", "comment"))
					return false;
			} else if (ch(ps, ps->p + 1) == '/') {
				if (!parse_close_tag(ps, top))
					return false;
				depth--;
			} else if (is_markup(ps)) {
				return fail_markup(ps);
			} else {
				break;
			}
		}
		if (depth == 0)
			return true;
	}
}

static bool parse_document(struct parser *ps, struct nest_xml_node *root)
{
	bool first = true, seen_root = false;
	char c[8];

	for (;; first = false) {
		const char *p = ps->p = skip_space(ps->p, ps->end);

		if (p == ps->end && seen_root)
			return true;
		if (ch(ps, p) != '<')
			return fail(ps, p, "invalid character %s outside of the top-level element",
			            char_text(ch(ps, p), c));
		if (starts_with(p, ps->end, "<!--")) {
			if (!skip_past(ps, 4, "-->", "comment"))
				return false;
		} else if (first && starts_with(p, ps->end, "<?xml") &&
		           (is_space(ch(ps, p + 5)) || ch(ps, p + 5) == '?')) {
			if (!skip_past(ps, 5, "?>", "declaration"))
				return false;
		} else if (ch(ps, p + 1) == '/') {
			struct name tag = { p + 2, name_len(p + 2, ps->end) };
			return fail(ps, p, "unexpected closing tag '</%.*s>'",
			            print_len(&tag), tag.s);
		} else if (is_markup(ps)) {
			return fail_markup(ps);
		} else if (seen_root) {
			return fail(ps, p, "more than one top-level element");
		} else if (!parse_element(ps)) {
			return false;
		} else {
			seen_root = true;
			root->start = p;
			root->len = (size_t)(ps->p - p);
			root->parent_end = ps->p;
		}
	}
}

enum nest_error nest_xml_parse(const char *text, size_t len, struct nest_xml_node *root,
                               struct nest_xml_error *error)
{
	struct parser ps;
	const char *nul;

	if (!text) {
		text = "";
		len = 0;
	}
	nul = memchr(text, 0, len);
	if (nul)
		len = (size_t)(nul - text);
	ps.doc = ps.p = text;
	ps.end = text + len;
	ps.error = error;
	if (error)
		memset(error, 0, sizeof(*error));
	if (parse_document(&ps, root))
		return NEST_OK;
	memset(root, 0, sizeof(*root));
	return NEST_ERR_SYNTAX;
}


/*
 * Navigation within a validated document
 */

static const char *node_end(const struct nest_xml_node *node)
{
	return node->start + node->len;
}

/* whether the node may be a parsed element, at least "<a/>"; navigation
 * must stay inside even a node the parser never produced */
static bool valid(const struct nest_xml_node *node)
{
	return node->start && node->len >= 4 && node->start[0] == '<';
}

/* the '>' ending the tag that starts at p, or end */
static const char *tag_end(const char *p, const char *end)
{
	char quote = 0;

	for (; p < end; p++) {
		if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '"' || *p == '\''))
			quote = *p;
		else if (!quote && *p == '>')
			return p;
	}
	return end;
}

/*
 * End of the comment or tag at p, which points to a '<'. 'nesting' tells
 * whether it opens (1) or closes (-1) an element.
 */
static const char *markup_end(const char *p, const char *end, int *nesting)
{
	const char *q;

	*nesting = 0;
	if (starts_with(p, end, "<!--")) {
		q = find(p + 4, end, "-->");
		return q ? q + 3 : end;
	}
	q = tag_end(p, end);
	if (q == end)
		return end;
	*nesting = p[1] == '/' ? -1 : q[-1] == '/' ? 0 : 1;
	return q + 1;
}

/* end of the element whose '<' is at p */
static const char *element_end(const char *p, const char *end)
{
	int depth = 0, nesting;

	do {
		p = memchr(p, '<', (size_t)(end - p));
		if (!p)
			return end;
		p = markup_end(p, end, &nesting);
		depth += nesting;
	} while (depth > 0);
	return p;
}

/* first element in [p, limit) at the current level */
static bool find_element(const char *p, const char *limit, struct nest_xml_node *out)
{
	int nesting;

	while ((p = memchr(p, '<', (size_t)(limit - p)))) {
		if (starts_with(p, limit, "</"))
			return false;
		if (!starts_with(p, limit, "<!--")) {
			out->start = p;
			out->len = (size_t)(element_end(p, limit) - p);
			out->parent_end = limit;
			return true;
		}
		p = markup_end(p, limit, &nesting);
	}
	return false;
}

static size_t type_len(const struct nest_xml_node *node)
{
	return valid(node) ? name_len(node->start + 1, node_end(node)) : 0;
}

/* content between the opening and closing tag, false for <a/> */
static bool content(const struct nest_xml_node *node, const char **start, const char **end)
{
	const char *q, *close;

	if (!valid(node))
		return false;
	close = node_end(node);
	q = tag_end(node->start, close);
	if (q == close || q[-1] == '/')
		return false;
	do
		close--;
	while (close > q && *close != '<');
	*start = q + 1;
	*end = close;
	return close > q;
}

/* attribute at *pos within an opening tag ending at 'end' */
static bool next_attr(const char **pos, const char *end, struct attr *a)
{
	const char *p = skip_space(*pos, end), *q;

	a->name.s = p;
	a->name.len = name_len(p, end);
	p += a->name.len;
	while (p < end && (is_space(*p) || *p == '='))
		p++;
	if (!a->name.len || p == end || !(q = memchr(p + 1, *p, (size_t)(end - p - 1))))
		return false;
	a->value.s = p + 1;
	a->value.len = (size_t)(q - p - 1);
	*pos = q + 1;
	return true;
}

/* attribute number 'index', or the one called 'name' if that is not NULL */
static bool find_attr(const struct nest_xml_node *node, const char *name, unsigned index,
                      struct attr *a)
{
	const char *p, *end;

	if (!valid(node))
		return false;
	end = tag_end(node->start, node_end(node));
	p = node->start + 1 + type_len(node);
	for (unsigned i = 0; next_attr(&p, end, a); i++) {
		if (name ? a->name.len == strlen(name) && !memcmp(a->name.s, name, a->name.len)
		         : i == index)
			return true;
	}
	return false;
}

/* decoded value into buf, false (buf empty) if it does not fit */
static bool decode_value(const struct attr *a, char *buf, size_t size)
{
	const char *p = a->value.s, *end = a->value.s + a->value.len;
	size_t n = 0;

	while (p < end && n + 1 < size)
		buf[n++] = decode_char(&p, end);
	if (size)
		buf[p < end ? 0 : n] = 0;
	return size && p == end;
}

/*
 * Public interface
 */

bool nest_xml_has_type(const struct nest_xml_node *node, const char *type)
{
	size_t len = type_len(node);

	return len && len == strlen(type) && !memcmp(node->start + 1, type, len);
}

size_t nest_xml_type(const struct nest_xml_node *node, char *buf, size_t size)
{
	size_t len = type_len(node), n = len < size ? len : size - 1;

	if (size && len)
		memcpy(buf, node->start + 1, n);
	if (size)
		buf[n] = 0;
	return len;
}

bool nest_xml_first_sub(const struct nest_xml_node *node, struct nest_xml_node *sub)
{
	const char *start, *end;

	return content(node, &start, &end) && find_element(start, end, sub);
}

bool nest_xml_next(const struct nest_xml_node *node, struct nest_xml_node *next)
{
	if (!valid(node) || node_end(node) > node->parent_end)
		return false;
	return find_element(node_end(node), node->parent_end, next);
}

bool nest_xml_next_of_type(const struct nest_xml_node *node, const char *type,
                           struct nest_xml_node *next)
{
	struct nest_xml_node n = *node;

	while (nest_xml_next(&n, &n)) {
		if (nest_xml_has_type(&n, type)) {
			*next = n;
			return true;
		}
	}
	return false;
}

bool nest_xml_sub_by_attr(const struct nest_xml_node *node, const char *type, const char *attr,
                          const char *value, struct nest_xml_node *sub)
{
	for (bool more = nest_xml_sub(node, type, sub); more;
	     more = nest_xml_next_of_type(sub, type, sub))
		if (nest_xml_attr_eq(sub, attr, value))
			return true;
	return false;
}

bool nest_xml_sub(const struct nest_xml_node *node, const char *type, struct nest_xml_node *sub)
{
	struct nest_xml_node n;

	if (!nest_xml_first_sub(node, &n))
		return false;
	if (!nest_xml_has_type(&n, type) && !nest_xml_next_of_type(&n, type, &n))
		return false;
	*sub = n;
	return true;
}

unsigned nest_xml_sub_count(const struct nest_xml_node *node, const char *type)
{
	struct nest_xml_node n;
	unsigned count = 0;
	bool more;

	for (more = nest_xml_first_sub(node, &n); more; more = nest_xml_next(&n, &n))
		count += !type || nest_xml_has_type(&n, type);
	return count;
}

bool nest_xml_has_attr(const struct nest_xml_node *node, const char *name)
{
	struct attr a;

	return find_attr(node, name, 0, &a);
}

bool nest_xml_attr_str(const struct nest_xml_node *node, const char *name, char *buf, size_t size)
{
	struct attr a;

	if (find_attr(node, name, 0, &a))
		return decode_value(&a, buf, size);
	if (size)
		buf[0] = 0;
	return false;
}

bool nest_xml_attr_eq(const struct nest_xml_node *node, const char *name, const char *value)
{
	const char *p, *end;
	struct attr a;

	if (!find_attr(node, name, 0, &a))
		return false;
	for (p = a.value.s, end = p + a.value.len; p < end; value++)
		if (!*value || decode_char(&p, end) != *value)
			return false;
	return !*value;
}

bool nest_xml_attr_u64(const struct nest_xml_node *node, const char *name, uint64_t *value)
{
	struct attr a;
	char buf[64];

	return find_attr(node, name, 0, &a) && decode_value(&a, buf, sizeof(buf)) &&
	       nest_parse_number(buf, strlen(buf), value) == NEST_OK;
}

bool nest_xml_attr_bool(const struct nest_xml_node *node, const char *name, bool default_value)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[]  = { "no", "false", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (nest_xml_attr_eq(node, name, yes[i]))
			return true;
		if (nest_xml_attr_eq(node, name, no[i]))
			return false;
	}
	return default_value;
}

bool nest_xml_attr_at(const struct nest_xml_node *node, unsigned index,
                      char *name, size_t name_size, char *value, size_t value_size)
{
	struct attr a;
	bool fits;

	if (name_size)
		name[0] = 0;
	if (value_size)
		value[0] = 0;
	if (!find_attr(node, NULL, index, &a))
		return false;
	fits = (!name || a.name.len < name_size) && (!value || decode_value(&a, value, value_size));
	if (fits && name) {
		memcpy(name, a.name.s, a.name.len);
		name[a.name.len] = 0;
	}
	return fits;
}

void nest_xml_content(const struct nest_xml_node *node, const char **start, size_t *len)
{
	const char *s, *e;

	if (content(node, &s, &e)) {
		*start = s;
		*len = (size_t)(e - s);
	} else {
		*start = valid(node) ? node_end(node) : "";
		*len = 0;
	}
}

unsigned nest_xml_line(const struct nest_xml_node *node, const char *document_start)
{
	unsigned line = 1;

	for (const char *p = document_start; p < node->start; p++)
		line += *p == '\n';
	return line;
}
