/*
 * \brief  Unit tests of the XML parser
 *
 * Documents are copied into heap buffers of their exact length without a
 * terminating NUL, so that AddressSanitizer catches any read past the end
 * that the parser's length checks might miss.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <nest/xml.h>
#include "tests/unit.h"

static const char init_config[] =
	"<config verbose=\"yes\">\n"
	"\t<parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/> </parent-provides>\n"
	"\t<default-route> <any-service> <parent/> <any-child/> </any-service> </default-route>\n"
	"\t<!-- a comment -->\n"
	"\t<start name=\"hello_server\" caps=\"100\" ram=\"1M\">\n"
	"\t\t<resource name=\"RAM\" quantum=\"2M\"/>\n"
	"\t\t<provides> <service name=\"Hello\"/> </provides>\n"
	"\t\t<config> <greeting text=\"hi &amp; bye\"/> </config>\n"
	"\t</start>\n"
	"</config>\n";

/* a document in a heap buffer of exactly its length */
struct doc {
	char                 *text;
	size_t                len;
	struct nest_xml_node  root;
	struct nest_xml_error error;
	enum nest_error       result;
};

static void doc_parse_len(struct doc *d, const char *text, size_t len)
{
	d->text = malloc(len ? len : 1);
	memcpy(d->text, text, len);
	d->len = len;
	d->result = nest_xml_parse(d->text, len, &d->root, &d->error);
}

static void doc_parse(struct doc *d, const char *text)
{
	doc_parse_len(d, text, strlen(text));
}

static void doc_free(struct doc *d)
{
	free(d->text);
}

/* visit every node and attribute, to exercise navigation on any valid document */
static unsigned walk(const struct nest_xml_node *node, const char *doc, unsigned depth)
{
	char name[64], value[64], type[16];
	struct nest_xml_node sub;
	const char *content;
	size_t content_len;
	uint64_t number;
	unsigned count = 1;
	bool more;

	nest_xml_type(node, type, sizeof(type));
	nest_xml_content(node, &content, &content_len);
	(void)nest_xml_line(node, doc);
	for (unsigned i = 0; nest_xml_attr_at(node, i, name, sizeof(name),
	                                      value, sizeof(value)); i++) {
		(void)nest_xml_attr_u64(node, name, &number);
		(void)nest_xml_attr_bool(node, name, false);
		(void)nest_xml_attr_eq(node, name, value);
	}
	(void)nest_xml_sub(node, "start", &sub);
	more = nest_xml_first_sub(node, &sub);
	for (; more && depth < 100; more = nest_xml_next(&sub, &sub))
		count += walk(&sub, doc, depth + 1);
	return count;
}

/* parse and expect an error at line:column with the given message */
#define CHECK_ERROR(text, l, c, msg) do { \
	struct doc d; \
	doc_parse(&d, text); \
	CHECK_EQ_INT(d.result, NEST_ERR_SYNTAX); \
	CHECK_EQ_INT(d.error.line, l); \
	CHECK_EQ_INT(d.error.column, c); \
	CHECK_EQ_STR(d.error.message, msg); \
	doc_free(&d); } while (0)

UNIT_TEST(init_config_navigation)
{
	struct nest_xml_node n, sub, sub2;
	struct doc d;
	char buf[64];

	doc_parse(&d, init_config);
	CHECK_EQ_INT(d.result, NEST_OK);
	CHECK(nest_xml_has_type(&d.root, "config"));
	CHECK(!nest_xml_has_type(&d.root, "conf"));
	CHECK(!nest_xml_has_type(&d.root, "configs"));
	CHECK(d.root.start == d.text);
	CHECK_EQ_INT(d.root.len, strlen(init_config) - 1);
	CHECK(nest_xml_attr_bool(&d.root, "verbose", false));

	CHECK(nest_xml_first_sub(&d.root, &n));
	CHECK(nest_xml_has_type(&n, "parent-provides"));
	CHECK_EQ_INT(nest_xml_sub_count(&n, "service"), 2);
	CHECK(nest_xml_first_sub(&n, &sub));
	CHECK(nest_xml_attr_eq(&sub, "name", "LOG"));
	CHECK(nest_xml_next(&sub, &sub));
	CHECK(nest_xml_attr_eq(&sub, "name", "ROM"));
	CHECK(!nest_xml_next(&sub, &sub2));

	CHECK(nest_xml_next(&n, &n));
	CHECK(nest_xml_has_type(&n, "default-route"));
	CHECK(nest_xml_sub(&n, "any-service", &sub));
	CHECK_EQ_INT(nest_xml_sub_count(&sub, NULL), 2);
	CHECK(nest_xml_sub(&sub, "any-child", &sub2));
	CHECK(!nest_xml_first_sub(&sub2, &sub2));

	CHECK(nest_xml_next(&n, &n));
	CHECK(nest_xml_has_type(&n, "start"));
	CHECK(nest_xml_attr_str(&n, "name", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "hello_server");
	CHECK_EQ_INT(nest_xml_line(&n, d.text), 5);
	CHECK(!nest_xml_next(&n, &sub));
	CHECK(!nest_xml_next(&d.root, &sub));

	CHECK(nest_xml_sub(&n, "provides", &sub));
	CHECK(nest_xml_sub(&sub, "service", &sub2));
	CHECK(nest_xml_attr_eq(&sub2, "name", "Hello"));
	CHECK(!nest_xml_sub(&n, "route", &sub));
	CHECK_EQ_INT(nest_xml_sub_count(&d.root, NULL), 3);
	CHECK_EQ_INT(nest_xml_sub_count(&d.root, "start"), 1);
	CHECK_EQ_INT(walk(&d.root, d.text, 0), 14);
	doc_free(&d);
}

UNIT_TEST(init_config_attributes)
{
	struct nest_xml_node start, n;
	struct doc d;
	uint64_t v = 0;
	char buf[64];

	doc_parse(&d, init_config);
	CHECK(nest_xml_sub(&d.root, "start", &start));
	CHECK(nest_xml_attr_u64(&start, "caps", &v));
	CHECK_EQ_INT(v, 100);
	CHECK(nest_xml_attr_u64(&start, "ram", &v));
	CHECK_EQ_INT(v, 1 << 20);
	CHECK(nest_xml_sub(&start, "resource", &n));
	CHECK(nest_xml_attr_u64(&n, "quantum", &v));
	CHECK_EQ_INT(v, 2 << 20);
	CHECK(!nest_xml_attr_u64(&n, "name", &v));
	CHECK_EQ_INT(v, 2 << 20);
	CHECK(!nest_xml_attr_u64(&n, "missing", &v));
	CHECK(nest_xml_has_attr(&n, "name"));
	CHECK(!nest_xml_has_attr(&n, "nam"));
	CHECK(!nest_xml_has_attr(&n, "names"));

	CHECK(nest_xml_sub(&start, "config", &n));
	CHECK(nest_xml_sub(&n, "greeting", &n));
	CHECK(nest_xml_attr_str(&n, "text", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "hi & bye");
	CHECK(nest_xml_attr_eq(&n, "text", "hi & bye"));
	CHECK(!nest_xml_attr_eq(&n, "text", "hi &amp; bye"));
	CHECK(!nest_xml_attr_eq(&n, "text", "hi & by"));
	CHECK(!nest_xml_attr_eq(&n, "text", "hi & bye!"));
	doc_free(&d);
}

UNIT_TEST(sub_by_attribute)
{
	struct nest_xml_node provides, n;
	struct doc d;
	char buf[16];

	doc_parse(&d, init_config);
	CHECK(nest_xml_sub(&d.root, "parent-provides", &provides));
	CHECK(nest_xml_sub_by_attr(&provides, "service", "name", "ROM", &n));
	CHECK(nest_xml_attr_str(&n, "name", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "ROM");
	CHECK(nest_xml_sub_by_attr(&provides, "service", "name", "LOG", &n));
	CHECK(!nest_xml_sub_by_attr(&provides, "service", "name", "PD", &n));
	CHECK(!nest_xml_sub_by_attr(&provides, "service", "label", "ROM", &n));
	CHECK(!nest_xml_sub_by_attr(&d.root, "service", "name", "ROM", &n));  /* not a child */
	CHECK(nest_xml_sub_by_attr(&d.root, "start", "name", "hello_server", &n));
	doc_free(&d);
}

UNIT_TEST(config_content_verbatim)
{
	struct nest_xml_node start, config;
	const char *content;
	size_t len;
	struct doc d;

	doc_parse(&d, init_config);
	CHECK(nest_xml_sub(&d.root, "start", &start));
	CHECK(nest_xml_sub(&start, "config", &config));
	nest_xml_content(&config, &content, &len);
	CHECK_EQ_INT(len, strlen(" <greeting text=\"hi &amp; bye\"/> "));
	CHECK(!memcmp(content, " <greeting text=\"hi &amp; bye\"/> ", len));

	CHECK(nest_xml_sub(&start, "resource", &config));
	nest_xml_content(&config, &content, &len);
	CHECK_EQ_INT(len, 0);
	doc_free(&d);

	doc_parse(&d, "<a>text &amp; > more<!-- <b> --><c/>tail</a>");
	CHECK_EQ_INT(d.result, NEST_OK);
	nest_xml_content(&d.root, &content, &len);
	CHECK_EQ_INT(len, strlen("text &amp; > more<!-- <b> --><c/>tail"));
	CHECK_EQ_INT(nest_xml_sub_count(&d.root, NULL), 1);
	CHECK(nest_xml_first_sub(&d.root, &config));
	CHECK(nest_xml_has_type(&config, "c"));
	doc_free(&d);

	doc_parse(&d, "<a></a>");
	nest_xml_content(&d.root, &content, &len);
	CHECK_EQ_INT(len, 0);
	CHECK(content == d.text + 3);
	doc_free(&d);
}

UNIT_TEST(entities_all_five)
{
	struct doc d;
	char buf[32];

	doc_parse(&d, "<a v=\"&lt;&gt;&amp;&quot;&apos;\" w='\"' x=\"'\" y=\"a>b\"/>");
	CHECK_EQ_INT(d.result, NEST_OK);
	CHECK(nest_xml_attr_str(&d.root, "v", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "<>&\"'");
	CHECK(nest_xml_attr_eq(&d.root, "v", "<>&\"'"));
	CHECK(nest_xml_attr_str(&d.root, "w", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "\"");
	CHECK(nest_xml_attr_str(&d.root, "x", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "'");
	CHECK(nest_xml_attr_str(&d.root, "y", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "a>b");
	doc_free(&d);
}

UNIT_TEST(attr_str_truncation)
{
	struct doc d;
	char buf[8];

	doc_parse(&d, "<a name=\"1234567\" long=\"12345678\""
	              " amp=\"&amp;&amp;&amp;&amp;&amp;&amp;&amp;\"/>");
	CHECK(nest_xml_attr_str(&d.root, "name", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "1234567");
	memset(buf, 'x', sizeof(buf));
	CHECK(!nest_xml_attr_str(&d.root, "long", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "");
	CHECK(nest_xml_attr_str(&d.root, "amp", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "&&&&&&&");
	memset(buf, 'x', sizeof(buf));
	CHECK(!nest_xml_attr_str(&d.root, "none", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "");
	CHECK(!nest_xml_attr_str(&d.root, "name", buf, 0));
	doc_free(&d);
}

UNIT_TEST(empty_attribute_value)
{
	struct doc d;
	char buf[8] = "x";

	doc_parse(&d, "<a e=\"\" f = 'x' />");
	CHECK_EQ_INT(d.result, NEST_OK);
	CHECK(nest_xml_attr_str(&d.root, "e", buf, sizeof(buf)));
	CHECK_EQ_STR(buf, "");
	CHECK(nest_xml_attr_eq(&d.root, "e", ""));
	CHECK(!nest_xml_attr_eq(&d.root, "e", "x"));
	CHECK(nest_xml_attr_eq(&d.root, "f", "x"));
	doc_free(&d);
}

UNIT_TEST(numbers_with_units)
{
	static const struct { const char *text; uint64_t value; } ok[] = {
		{ "0", 0 }, { "42", 42 }, { "16K", 16384 }, { "16k", 16384 },
		{ "16M", 16ULL << 20 }, { "1G", 1ULL << 30 }, { "2g", 2ULL << 30 },
		{ "0x10", 16 }, { "0X1f", 31 }, { "0x10K", 16384 },
		{ "18446744073709551615", UINT64_MAX }, { "0xffffffffffffffff", UINT64_MAX },
		{ "17179869183G", 17179869183ULL << 30 },
	};
	static const char *const bad[] = {
		"", "x", "-1", "+1", " 1", "1 ", "1KB", "1T", "K", "0x", "0xK", "1.5M",
		"18446744073709551616", "0x10000000000000000", "17179869184G", "1e3", "12a",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char text[96];
		uint64_t v = 7;
		struct doc d;

		snprintf(text, sizeof(text), "<a n=\"%s\"/>", ok[i].text);
		doc_parse(&d, text);
		CHECK(nest_xml_attr_u64(&d.root, "n", &v));
		if (v != ok[i].value)
			printf("  value of '%s'\n", ok[i].text);
		CHECK(v == ok[i].value);
		doc_free(&d);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[96];
		uint64_t v = 7;
		struct doc d;

		snprintf(text, sizeof(text), "<a n=\"%s\"/>", bad[i]);
		doc_parse(&d, text);
		CHECK_EQ_INT(d.result, NEST_OK);
		if (nest_xml_attr_u64(&d.root, "n", &v))
			printf("  accepted '%s'\n", bad[i]);
		CHECK_EQ_INT(v, 7);
		doc_free(&d);
	}
}

UNIT_TEST(booleans)
{
	struct doc d;

	doc_parse(&d, "<a y1=\"yes\" y2=\"true\" y3=\"on\" y4=\"1\" n1=\"no\" n2=\"false\""
	              " n3=\"off\" n4=\"0\" x=\"maybe\" e=\"\" u=\"YES\"/>");
	CHECK_EQ_INT(d.result, NEST_OK);
	CHECK(nest_xml_attr_bool(&d.root, "y1", false));
	CHECK(nest_xml_attr_bool(&d.root, "y2", false));
	CHECK(nest_xml_attr_bool(&d.root, "y3", false));
	CHECK(nest_xml_attr_bool(&d.root, "y4", false));
	CHECK(!nest_xml_attr_bool(&d.root, "n1", true));
	CHECK(!nest_xml_attr_bool(&d.root, "n2", true));
	CHECK(!nest_xml_attr_bool(&d.root, "n3", true));
	CHECK(!nest_xml_attr_bool(&d.root, "n4", true));
	CHECK(nest_xml_attr_bool(&d.root, "x", true));
	CHECK(!nest_xml_attr_bool(&d.root, "x", false));
	CHECK(nest_xml_attr_bool(&d.root, "e", true));
	CHECK(!nest_xml_attr_bool(&d.root, "u", false));
	CHECK(nest_xml_attr_bool(&d.root, "absent", true));
	CHECK(!nest_xml_attr_bool(&d.root, "absent", false));
	doc_free(&d);
}

UNIT_TEST(attribute_iteration)
{
	char name[8], value[8];
	struct doc d;

	doc_parse(&d, "<a first=\"1\" second='two &lt;' third=\"longer than eight\"/>");
	CHECK(nest_xml_attr_at(&d.root, 0, name, sizeof(name), value, sizeof(value)));
	CHECK_EQ_STR(name, "first");
	CHECK_EQ_STR(value, "1");
	CHECK(nest_xml_attr_at(&d.root, 1, name, sizeof(name), value, sizeof(value)));
	CHECK_EQ_STR(name, "second");
	CHECK_EQ_STR(value, "two <");
	CHECK(!nest_xml_attr_at(&d.root, 2, name, sizeof(name), value, sizeof(value)));
	CHECK_EQ_STR(name, "");
	CHECK_EQ_STR(value, "");
	CHECK(nest_xml_attr_at(&d.root, 2, name, sizeof(name), NULL, 0));
	CHECK_EQ_STR(name, "third");
	CHECK(!nest_xml_attr_at(&d.root, 0, name, 5, value, sizeof(value)));
	CHECK(nest_xml_attr_at(&d.root, 1, NULL, 0, value, sizeof(value)));
	CHECK_EQ_STR(value, "two <");
	CHECK(!nest_xml_attr_at(&d.root, 3, name, sizeof(name), value, sizeof(value)));
	doc_free(&d);

	doc_parse(&d, "<a/>");
	CHECK(!nest_xml_attr_at(&d.root, 0, name, sizeof(name), value, sizeof(value)));
	doc_free(&d);
}

UNIT_TEST(type_name_copy)
{
	struct doc d;
	char buf[8];

	doc_parse(&d, "<parent-provides/>");
	CHECK_EQ_INT(nest_xml_type(&d.root, buf, sizeof(buf)), 15);
	CHECK_EQ_STR(buf, "parent-");
	CHECK_EQ_INT(nest_xml_type(&d.root, NULL, 0), 15);
	doc_free(&d);

	doc_parse(&d, "<ns:a.b_c-1 x='1'></ns:a.b_c-1>");
	CHECK_EQ_INT(d.result, NEST_OK);
	CHECK_EQ_INT(nest_xml_type(&d.root, buf, sizeof(buf)), 10);
	CHECK(nest_xml_has_type(&d.root, "ns:a.b_c-1"));
	doc_free(&d);
}

UNIT_TEST(prolog_comments_whitespace)
{
	struct nest_xml_node n;
	struct doc d;

	doc_parse(&d, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c1 -->\r\n"
	              "<a><!-- <b/> --><c/><!----><d/> <!-- x --> </a>\n<!-- end -->\n");
	CHECK_EQ_INT(d.result, NEST_OK);
	CHECK(nest_xml_has_type(&d.root, "a"));
	CHECK_EQ_INT(nest_xml_line(&d.root, d.text), 3);
	CHECK(nest_xml_first_sub(&d.root, &n));
	CHECK(nest_xml_has_type(&n, "c"));
	CHECK(nest_xml_next(&n, &n));
	CHECK(nest_xml_has_type(&n, "d"));
	CHECK(!nest_xml_next(&n, &n));
	doc_free(&d);

	doc_parse(&d, "  <?xml?><a/>");
	CHECK_EQ_INT(d.result, NEST_OK);
	doc_free(&d);
}

UNIT_TEST(nul_ends_document)
{
	static const char text[] = "<a x=\"1\"/>\0\0\0garbage";
	struct doc d;

	doc_parse_len(&d, text, sizeof(text));
	CHECK_EQ_INT(d.result, NEST_OK);
	CHECK_EQ_INT(d.root.len, 10);
	doc_free(&d);

	CHECK_ERROR("<a x=\"1\0\"/>", 1, 8, "unexpected end of document");
}

UNIT_TEST(quoted_gt_and_slash_in_values)
{
	struct nest_xml_node n;
	struct doc d;

	doc_parse(&d, "<a><b v=\"/>\" w='>'><c/></b><d v=\"/a>\"/></a>");
	CHECK_EQ_INT(d.result, NEST_OK);
	CHECK(nest_xml_first_sub(&d.root, &n));
	CHECK(nest_xml_has_type(&n, "b"));
	CHECK_EQ_INT(nest_xml_sub_count(&n, NULL), 1);
	CHECK(nest_xml_next(&n, &n));
	CHECK(nest_xml_has_type(&n, "d"));
	CHECK(nest_xml_attr_eq(&n, "v", "/a>"));
	CHECK(!nest_xml_next(&n, &n));
	doc_free(&d);
}

UNIT_TEST(depth_limit)
{
	char text[64 * 7 + 16], *p;
	struct nest_xml_node n;
	unsigned depth;
	struct doc d;

	for (unsigned levels = 64; levels <= 65; levels++) {
		p = text;
		for (unsigned i = 0; i < levels; i++)
			p += sprintf(p, "<a>");
		for (unsigned i = 0; i < levels; i++)
			p += sprintf(p, "</a>");
		doc_parse_len(&d, text, (size_t)(p - text));
		if (levels == 64) {
			CHECK_EQ_INT(d.result, NEST_OK);
			n = d.root;
			for (depth = 1; nest_xml_first_sub(&n, &n); depth++)
				;
			CHECK_EQ_INT(depth, 64);
		} else {
			CHECK_EQ_INT(d.result, NEST_ERR_SYNTAX);
			CHECK_EQ_INT(d.error.column, 64 * 3 + 1);
			CHECK_EQ_STR(d.error.message, "nesting deeper than 64");
		}
		doc_free(&d);
	}
}

UNIT_TEST(attribute_limit)
{
	char text[NEST_XML_MAX_ATTRS * 8 + 32], *p;
	struct doc d;

	p = text + sprintf(text, "<a");
	for (unsigned i = 0; i < NEST_XML_MAX_ATTRS; i++)
		p += sprintf(p, " a%u=''", i);
	p += sprintf(p, "/>");
	doc_parse_len(&d, text, (size_t)(p - text));
	CHECK_EQ_INT(d.result, NEST_OK);
	doc_free(&d);

	p -= 2;
	p += sprintf(p, " z=''/>");
	doc_parse_len(&d, text, (size_t)(p - text));
	CHECK_EQ_INT(d.result, NEST_ERR_SYNTAX);
	CHECK_EQ_STR(d.error.message, "more than 128 attributes in tag '<a>'");
	doc_free(&d);
}

UNIT_TEST(error_unclosed_tag)
{
	CHECK_ERROR("<config>\n\t<start name=\"x\">\n\t\t<binary/>\n</config>", 4, 1,
	            "mismatching closing tag '</config>' for '<start>'");
	CHECK_ERROR("<config>\n\t<start name=\"x\">\n", 2, 2, "unclosed tag 'start'");
	CHECK_ERROR("<config>", 1, 1, "unclosed tag 'config'");
	CHECK_ERROR("<config>text", 1, 1, "unclosed tag 'config'");
}

UNIT_TEST(error_mismatching_closing_tag)
{
	CHECK_ERROR("<config>\n  <start>\n    <route>\n    </start>\n",
	            4, 5, "mismatching closing tag '</start>' for '<route>'");
	CHECK_ERROR("<start><route/></route></start>", 1, 16,
	            "mismatching closing tag '</route>' for '<start>'");
	CHECK_ERROR("<a></ab>", 1, 4, "mismatching closing tag '</ab>' for '<a>'");
	CHECK_ERROR("<ab></a>", 1, 5, "mismatching closing tag '</a>' for '<ab>'");
}

UNIT_TEST(error_attributes)
{
	CHECK_ERROR("<start name>", 1, 12, "attribute 'name' has no value");
	CHECK_ERROR("<start\n  name/>", 2, 7, "attribute 'name' has no value");
	CHECK_ERROR("<start name=\"a\" name=\"b\"/>", 1, 17, "duplicate attribute 'name'");
	CHECK_ERROR("<a x=1/>", 1, 6, "value of attribute 'x' is not quoted");
	CHECK_ERROR("<a x=\"1\"y=\"2\"/>", 1, 9, "missing space before attribute in tag '<a>'");
	CHECK_ERROR("<a x=\"a&b\"/>", 1, 8, "invalid character '&' in attribute value");
	CHECK_ERROR("<a x=\"&amp\"/>", 1, 7, "invalid character '&' in attribute value");
	CHECK_ERROR("<a x=\"&#60;\"/>", 1, 7, "invalid character '&' in attribute value");
	CHECK_ERROR("<a x='a<b'/>", 1, 8, "invalid character '<' in attribute value");
	CHECK_ERROR("<a x=\"1'/>", 1, 11, "unexpected end of document");
	CHECK_ERROR("<a x!=\"1\"/>", 1, 5, "attribute 'x' has no value");
	CHECK_ERROR("<a !/>", 1, 4, "invalid character '!' in tag '<a>'");
	CHECK_ERROR("<a / >", 1, 5, "expected '>' after '/' in tag '<a>'");
}

UNIT_TEST(error_end_of_document)
{
	CHECK_ERROR("", 1, 1, "unexpected end of document");
	CHECK_ERROR(" \n ", 2, 2, "unexpected end of document");
	CHECK_ERROR("<", 1, 2, "unexpected end of document");
	CHECK_ERROR("<a", 1, 3, "unexpected end of document");
	CHECK_ERROR("<a x", 1, 5, "unexpected end of document");
	CHECK_ERROR("<a x=", 1, 6, "unexpected end of document");
	CHECK_ERROR("<a /", 1, 5, "unexpected end of document");
	CHECK_ERROR("<a></", 1, 6, "unexpected end of document");
	CHECK_ERROR("<a></a", 1, 7, "unexpected end of document");
	CHECK_ERROR("<?xml version='1.0'?>", 1, 22, "unexpected end of document");
	CHECK_ERROR("<!-- only a comment -->", 1, 24, "unexpected end of document");
}

UNIT_TEST(error_comments_and_markup)
{
	CHECK_ERROR("<a>\n<!-- open\n</a>", 2, 1, "unterminated comment");
	CHECK_ERROR("<!-- x --", 1, 1, "unterminated comment");
	CHECK_ERROR("<a/><!--", 1, 5, "unterminated comment");
	CHECK_ERROR("<?xml version='1.0'", 1, 1, "unterminated declaration");
	CHECK_ERROR("<!DOCTYPE a><a/>", 1, 1, "unsupported markup '<!'");
	CHECK_ERROR("<a><![CDATA[x]]></a>", 1, 4, "unsupported markup '<!'");
	CHECK_ERROR("<a><?pi?></a>", 1, 4, "unsupported markup '<?'");
	CHECK_ERROR("<a/><?xml?>", 1, 5, "unsupported markup '<?'");
	CHECK_ERROR("<?xml-stylesheet?><a/>", 1, 1, "unsupported markup '<?'");
	CHECK_ERROR("<a><a x='1' <!-- c --> /></a>", 1, 13, "invalid character '<' in tag '<a>'");
}

UNIT_TEST(error_top_level)
{
	CHECK_ERROR("<a/><b/>", 1, 5, "more than one top-level element");
	CHECK_ERROR("<a/>\ntext", 2, 1, "invalid character 't' outside of the top-level element");
	CHECK_ERROR("text<a/>", 1, 1, "invalid character 't' outside of the top-level element");
	CHECK_ERROR("</a>", 1, 1, "unexpected closing tag '</a>'");
	CHECK_ERROR("<a/></a>", 1, 5, "unexpected closing tag '</a>'");
	CHECK_ERROR("\xef\xbb\xbf<a/>", 1, 1,
	            "invalid character 0xef outside of the top-level element");
}

UNIT_TEST(error_names)
{
	CHECK_ERROR("< a/>", 1, 2, "invalid character 0x20 after '<'");
	CHECK_ERROR("<a><$/></a>", 1, 5, "invalid character '$' after '<'");
	CHECK_ERROR("<a></ a>", 1, 6, "invalid character 0x20 in closing tag");
	CHECK_ERROR("<a></a x>", 1, 8, "invalid character 'x' in closing tag");
	CHECK_ERROR("<a></a/>", 1, 7, "invalid character '/' in closing tag");
}

UNIT_TEST(space_before_closing_bracket)
{
	struct doc d;

	doc_parse(&d, "<a\n\tx='1'\n>\n</a\n\t>");
	CHECK_EQ_INT(d.result, NEST_OK);
	CHECK(nest_xml_attr_eq(&d.root, "x", "1"));
	doc_free(&d);
}

UNIT_TEST(long_names_in_messages)
{
	char text[400], expect[200];
	const char *n = "a_very_long_element_name_that_goes_on_and_on_and_on_forever";
	struct doc d;

	snprintf(text, sizeof(text), "<%s></%sx>", n, n);
	doc_parse(&d, text);
	CHECK_EQ_INT(d.result, NEST_ERR_SYNTAX);
	snprintf(expect, sizeof(expect), "mismatching closing tag '</%.40s>' for '<%.40s>'", n, n);
	CHECK_EQ_STR(d.error.message, expect);
	doc_free(&d);
}

UNIT_TEST(error_pointer_optional)
{
	struct nest_xml_node root;

	CHECK_EQ_INT(nest_xml_parse("<a>", 3, &root, NULL), NEST_ERR_SYNTAX);
	CHECK(root.start == NULL && root.len == 0);
	CHECK_EQ_INT(nest_xml_parse(NULL, 0, &root, NULL), NEST_ERR_SYNTAX);
}

UNIT_TEST(navigation_on_failed_root)
{
	struct nest_xml_node root, n;
	const char *content;
	size_t len;
	char buf[8];

	CHECK_EQ_INT(nest_xml_parse("<a", 2, &root, NULL), NEST_ERR_SYNTAX);
	CHECK(!nest_xml_first_sub(&root, &n));
	CHECK(!nest_xml_next(&root, &n));
	CHECK(!nest_xml_has_type(&root, ""));
	CHECK(!nest_xml_has_attr(&root, "x"));
	CHECK(!nest_xml_attr_str(&root, "x", buf, sizeof(buf)));
	CHECK(!nest_xml_attr_at(&root, 0, buf, sizeof(buf), NULL, 0));
	CHECK_EQ_INT(nest_xml_type(&root, buf, sizeof(buf)), 0);
	nest_xml_content(&root, &content, &len);
	CHECK_EQ_INT(len, 0);
	CHECK_EQ_INT(nest_xml_sub_count(&root, NULL), 0);
}

UNIT_TEST(every_prefix_of_valid_document)
{
	size_t len = strlen(init_config);
	unsigned accepted = 0;

	for (size_t n = 0; n <= len; n++) {
		struct doc d;

		doc_parse_len(&d, init_config, n);
		if (d.result == NEST_OK) {
			accepted++;
			walk(&d.root, d.text, 0);
		} else {
			CHECK_EQ_INT(d.result, NEST_ERR_SYNTAX);
			CHECK(d.error.message[0] != 0);
			CHECK(d.error.line >= 1 && d.error.line <= 10);
		}
		doc_free(&d);
	}
	/* with and without the final newline */
	CHECK_EQ_INT(accepted, 2);
}

UNIT_TEST(every_byte_mutated)
{
	static const char replacements[] = "<>/='\"&!?- a\n\0";
	size_t len = strlen(init_config);
	unsigned accepted = 0;

	for (size_t i = 0; i < len; i++) {
		for (size_t r = 0; r < sizeof(replacements) - 1; r++) {
			char text[sizeof(init_config)];
			struct doc d;

			memcpy(text, init_config, len);
			text[i] = replacements[r];
			doc_parse_len(&d, text, len);
			if (d.result == NEST_OK) {
				accepted++;
				walk(&d.root, d.text, 0);
			} else {
				CHECK(d.error.message[0] != 0);
			}
			doc_free(&d);
		}
	}
	CHECK(accepted > 0);
}

UNIT_TEST(random_garbage)
{
	static const char alphabet[] = "<>/=\"'&;!-?x:a \n";
	uint64_t state = 0x9e3779b97f4a7c15ULL;
	char text[256];

	for (unsigned round = 0; round < 20000; round++) {
		size_t len = round % sizeof(text);
		struct doc d;

		for (size_t i = 0; i < len; i++) {
			state = state * 6364136223846793005ULL + 1442695040888963407ULL;
			text[i] = (round & 1) ? alphabet[(state >> 33) % (sizeof(alphabet) - 1)]
			                      : (char)(state >> 56);
		}
		doc_parse_len(&d, text, len);
		if (d.result == NEST_OK)
			walk(&d.root, d.text, 0);
		else
			CHECK(d.error.message[0] != 0);
		doc_free(&d);
	}
}

UNIT_TEST(large_flat_document_is_fast)
{
	enum { COUNT = 100000 };
	size_t cap = COUNT * 24 + 16, len = 0;
	char *text = malloc(cap);
	struct nest_xml_node root, n;
	unsigned count = 0;
	bool more;

	len += (size_t)sprintf(text + len, "<a>");
	for (unsigned i = 0; i < COUNT; i++)
		len += (size_t)sprintf(text + len, "<b n=\"%u\"/><!--c-->", i);
	len += (size_t)sprintf(text + len, "</a>");
	CHECK_EQ_INT(nest_xml_parse(text, len, &root, NULL), NEST_OK);
	for (more = nest_xml_first_sub(&root, &n); more; more = nest_xml_next(&n, &n))
		count++;
	CHECK_EQ_INT(count, COUNT);
	free(text);
}

UNIT_MAIN()
