/*
 * \brief  Read-only view of an XML document such as init's configuration
 *
 * A configuration arrives as a ROM dataspace, so the parser never allocates
 * and never copies: a node is a window into the caller's text, which must
 * stay in place while nodes refer to it. nest_xml_parse() validates the
 * whole document once and reports the first error with its line and column;
 * afterwards navigation cannot meet a syntax error, it can only find that a
 * node or attribute is absent.
 *
 * The document ends at its length or at the first NUL byte, whichever comes
 * first, so a page-rounded ROM dataspace may be handed over as it is.
 */
#ifndef NEST_XML_H
#define NEST_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nest/error.h>

/* limits that keep validation linear in time and bounded in stack */
enum { NEST_XML_MAX_DEPTH = 64, NEST_XML_MAX_ATTRS = 128 };

struct nest_xml_node {
	const char *start;      /* the element's '<' */
	size_t      len;        /* up to and including its closing tag's '>' */
	const char *parent_end; /* where the siblings end (parent's content end) */
};

struct nest_xml_error {
	unsigned line, column;  /* 1-based position of the offending byte */
	char     message[128];
};

/*
 * Validate a document: an optional <?xml ...?> declaration, exactly one
 * top-level element, comments and whitespace around it. Elements nest at most
 * NEST_XML_MAX_DEPTH deep and carry at most NEST_XML_MAX_ATTRS attributes.
 * Returns NEST_ERR_SYNTAX and fills 'error' (if not NULL) on failure.
 */
enum nest_error nest_xml_parse(const char *text, size_t len,
                               struct nest_xml_node *root,
                               struct nest_xml_error *error);

/* type (tag name) of a node */
bool   nest_xml_has_type(const struct nest_xml_node *node, const char *type);

/* copy the type, truncated to fit and NUL-terminated, and return its full length */
size_t nest_xml_type(const struct nest_xml_node *node, char *buf, size_t size);

/* child elements, in document order; text and comments are skipped */
bool nest_xml_first_sub(const struct nest_xml_node *node, struct nest_xml_node *sub);
bool nest_xml_next(const struct nest_xml_node *node, struct nest_xml_node *next);
bool nest_xml_sub(const struct nest_xml_node *node, const char *type,
                  struct nest_xml_node *sub);

/* next sibling of type 'type' */
bool nest_xml_next_of_type(const struct nest_xml_node *node, const char *type,
                           struct nest_xml_node *next);

/* the child element of type 'type' whose attribute 'attr' is 'value' */
bool nest_xml_sub_by_attr(const struct nest_xml_node *node, const char *type, const char *attr,
                          const char *value, struct nest_xml_node *sub);

/* number of child elements, of any type if 'type' is NULL */
unsigned nest_xml_sub_count(const struct nest_xml_node *node, const char *type);

/*
 * Attributes. Values are returned with the entities &lt; &gt; &amp; &quot;
 * and &apos; decoded. nest_xml_attr_str() fails if the attribute is absent
 * or its value does not fit, leaving an empty string in 'buf' (size > 0).
 */
bool nest_xml_has_attr(const struct nest_xml_node *node, const char *name);
bool nest_xml_attr_str(const struct nest_xml_node *node, const char *name,
                       char *buf, size_t size);
bool nest_xml_attr_eq(const struct nest_xml_node *node, const char *name,
                      const char *value);

/*
 * Number of bytes as Genode writes them: decimal or 0x hex, optionally
 * followed by K, M or G (binary units, either case). False if the attribute
 * is absent, malformed or overflows 64 bits; *value is unchanged then.
 */
bool nest_xml_attr_u64(const struct nest_xml_node *node, const char *name,
                       uint64_t *value);

/* yes/true/on/1 or no/false/off/0; 'default_value' if absent or other */
bool nest_xml_attr_bool(const struct nest_xml_node *node, const char *name,
                        bool default_value);

/*
 * Attribute number 'index' in document order. 'name' or 'value' may be NULL
 * (with size 0) when not wanted. False past the last attribute or if either
 * does not fit (both buffers are left empty then).
 */
bool nest_xml_attr_at(const struct nest_xml_node *node, unsigned index,
                      char *name, size_t name_size, char *value, size_t value_size);

/* raw text between the opening and the closing tag (empty for <a/>) */
void nest_xml_content(const struct nest_xml_node *node, const char **start, size_t *len);

/* line number (1-based) of the node's '<' within the document */
unsigned nest_xml_line(const struct nest_xml_node *node, const char *document_start);

#endif
