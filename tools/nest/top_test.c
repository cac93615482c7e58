/*
 * \brief  Unit tests of `nest top`'s table, rendered from sample state reports
 *
 * The samples are written into a fresh directory as core would write them,
 * so the tests also cover finding the reports of nested inits by name.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/unit.h"
#include "tools/nest/nest.h"

static const char header[] =
	"NAME                   STATE           RAM   USED   CAPS   USED       FDS   REQ  PROV   HB\n";

struct sample {
	char  dir[64];
	char *text;          /* what top_render printed */
	size_t len;
	char  error[512];
	enum nest_error result;
};

static void sample_write(struct sample *s, const char *name, const char *content)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

static void sample_init(struct sample *s, const char *init_state)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/nest_top_test.XXXXXX");
	if (!mkdtemp(s->dir))
		s->dir[0] = '\0';
	if (init_state)
		sample_write(s, "init.state", init_state);
}

static void sample_render(struct sample *s)
{
	FILE *out = open_memstream(&s->text, &s->len);
	s->result = top_render(s->dir, out, s->error, sizeof(s->error));
	fclose(out);
}

static void sample_fini(struct sample *s)
{
	char command[128];
	free(s->text);
	snprintf(command, sizeof(command), "rm -rf '%s'", s->dir);
	if (s->dir[0] && system(command)) { /* a leftover in /tmp is harmless */ }
}

UNIT_TEST(full_report)
{
	struct sample s;
	char want[1024];

	sample_init(&s,
		"<state version=\"7\">\n"
		"\t<ram quota=\"16M\" used=\"1M\" avail=\"15M\"/>\n"
		"\t<caps quota=\"2000\" used=\"30\" avail=\"1970\"/>\n"
		"\t<child name=\"dummy\" binary=\"dummy\" version=\"2\" id=\"1\" state=\"incomplete\""
		" skipped_heartbeats=\"3\">\n"
		"\t\t<ram assigned=\"2M\" quota=\"2M\" used=\"24K\" avail=\"2000K\" requested=\"1M\"/>\n"
		"\t\t<caps assigned=\"100\" quota=\"100\" used=\"7\" avail=\"93\" descriptors=\"12\""
		" descriptor_limit=\"416\"/>\n"
		"\t\t<requested> <session service=\"LOG\" label=\"dummy\" state=\"CAP_HANDED_OUT\"/>"
		" <session service=\"ROM\" label=\"dummy -> config\" state=\"CAP_HANDED_OUT\"/>"
		" </requested>\n"
		"\t\t<provided> <session service=\"LOG\" label=\"client\" state=\"CAP_HANDED_OUT\"/>"
		" </provided>\n"
		"\t</child>\n"
		"\t<child name=\"client\" binary=\"client\" exited=\"0\">\n"
		"\t\t<ram assigned=\"1536\" used=\"512\"/>\n"
		"\t</child>\n"
		"\t<child name=\"big\" binary=\"big\">\n"
		"\t\t<ram quota=\"0x60000000\" used=\"2000K\"/>\n"
		"\t</child>\n"
		"</state>\n");
	sample_render(&s);
	CHECK_EQ_INT(s.result, NEST_OK);
	snprintf(want, sizeof(want), "%s%s%s%s%s",
	         "init (state version 7): RAM 1M used of 16M, 15M free; caps 30 used of 2000, 1970 free\n",
	         header,
	         "dummy                  incomplete       2M    24K    100      7    12/416     2     1    3\n",
	         "client                 exited 0       1.5K    512      -      -         -     -     -    -\n",
	         "big                    running        1.5G   2.0M      -      -         -     -     -    -\n");
	CHECK_EQ_STR(s.text, want);
	sample_fini(&s);
}

UNIT_TEST(minimal_report)
{
	struct sample s;
	char want[512];

	sample_init(&s, "<state><child name=\"a\" binary=\"a\"/></state>");
	sample_render(&s);
	CHECK_EQ_INT(s.result, NEST_OK);
	snprintf(want, sizeof(want), "init\n%s%s", header,
	         "a                      running           -      -      -      -         -     -     -    -\n");
	CHECK_EQ_STR(s.text, want);
	sample_fini(&s);
}

/* a nested init's report, DIR/init.NAME.state, and <child> nodes within <child> */
UNIT_TEST(nested_inits_indented)
{
	struct sample s;
	char want[1024];

	sample_init(&s,
		"<state version=\"1\">"
		"<child name=\"sub\" binary=\"init\"><ram assigned=\"8M\"/></child>"
		"<child name=\"outer\" binary=\"x\"><child name=\"inner\" binary=\"y\"/></child>"
		"</state>");
	sample_write(&s, "init.sub.state",
		"<state><child name=\"leaf\" binary=\"dummy\"><ram assigned=\"1M\"/></child>"
		"<child name=\"deeper\" binary=\"init\"/></state>");
	sample_write(&s, "init.sub.deeper.state", "<state><child name=\"bottom\" binary=\"b\"/></state>");
	sample_render(&s);
	CHECK_EQ_INT(s.result, NEST_OK);
	snprintf(want, sizeof(want), "init (state version 1)\n%s%s%s%s%s%s%s", header,
	         "sub                    running          8M      -      -      -         -     -     -    -\n",
	         "  leaf                 running          1M      -      -      -         -     -     -    -\n",
	         "  deeper               running           -      -      -      -         -     -     -    -\n",
	         "    bottom             running           -      -      -      -         -     -     -    -\n",
	         "outer                  running           -      -      -      -         -     -     -    -\n",
	         "  inner                running           -      -      -      -         -     -     -    -\n");
	CHECK_EQ_STR(s.text, want);
	sample_fini(&s);
}

/* a nested init writes its own report: no escape sequence reaches the terminal */
UNIT_TEST(control_characters_shown_as_question_marks)
{
	struct sample s;

	sample_init(&s, "<state version=\"\x1b[2J\"><child name=\"a\x1b]0;x\x07\" binary=\"a\""
	                " state=\"\x1b[31m\"/></state>");
	sample_render(&s);
	CHECK_EQ_INT(s.result, NEST_OK);
	CHECK(s.text && !strchr(s.text, '\x1b') && !strchr(s.text, '\x07'));
	CHECK(s.text && strstr(s.text, "init (state version ?[2J)\n") != NULL);
	CHECK(s.text && strstr(s.text, "\na?]0;x?                ?[31m ") != NULL);
	sample_fini(&s);
}

UNIT_TEST(missing_report)
{
	struct sample s;

	sample_init(&s, NULL);
	sample_render(&s);
	CHECK_EQ_INT(s.result, NEST_ERR_NOT_FOUND);
	CHECK(strstr(s.error, "/init.state: No such file or directory") != NULL);
	CHECK_EQ_INT(s.len, 0);
	sample_fini(&s);
}

UNIT_TEST(malformed_report)
{
	struct sample s;

	sample_init(&s, "<state>\n<child name=\"a\">\n</state>\n");
	sample_render(&s);
	CHECK_EQ_INT(s.result, NEST_ERR_SYNTAX);
	CHECK(strstr(s.error, "/init.state:3:") != NULL);
	sample_fini(&s);

	sample_init(&s, "<config/>");
	sample_render(&s);
	CHECK_EQ_INT(s.result, NEST_ERR_SYNTAX);
	CHECK(strstr(s.error, "not a <state> report") != NULL);
	sample_fini(&s);
}

UNIT_MAIN()
