/*
 * \brief  Unit tests of session-argument strings and labels
 *
 * Besides single cases, a round trip writes arbitrary strings with
 * nest_args_set_str() and reads them back with nest_args_str(), and every
 * rewrite that fails is checked to leave the buffer as it was.
 */
#include <stdint.h>
#include <string.h>
#include <nest/session_args.h>
#include "tests/unit.h"

static const char typical[] = "label=\"init -> hello\", ram_quota=8K, cap_quota=3";

UNIT_TEST(typical_arguments)
{
	uint64_t v = 0;
	char buf[64];

	CHECK_EQ_INT(nest_args_validate(typical), NEST_OK);
	CHECK_EQ_INT(nest_args_str(typical, "label", buf, sizeof(buf)), NEST_OK);
	CHECK_EQ_STR(buf, "init -> hello");
	CHECK_EQ_INT(nest_args_u64(typical, "ram_quota", &v), NEST_OK);
	CHECK_EQ_INT(v, 8192);
	CHECK_EQ_INT(nest_args_u64(typical, "cap_quota", &v), NEST_OK);
	CHECK_EQ_INT(v, 3);
	CHECK_EQ_INT(nest_args_str(typical, "ram_quota", buf, sizeof(buf)), NEST_OK);
	CHECK_EQ_STR(buf, "8K");
}

UNIT_TEST(whole_keys_only)
{
	const char *args = "xram_quota=1, ram_quotax=2, ram=3, _ram_quota=4";
	uint64_t v = 0;

	CHECK_EQ_INT(nest_args_u64(args, "ram_quota", &v), NEST_ERR_NOT_FOUND);
	CHECK_EQ_INT(v, 0);
	CHECK_EQ_INT(nest_args_u64(args, "ram", &v), NEST_OK);
	CHECK_EQ_INT(v, 3);
	CHECK_EQ_INT(nest_args_u64(args, "_ram_quota", &v), NEST_OK);
	CHECK_EQ_INT(v, 4);
	CHECK_EQ_INT(nest_args_u64(args, "RAM", &v), NEST_ERR_NOT_FOUND);
	CHECK_EQ_INT(nest_args_u64(args, "", &v), NEST_ERR_NOT_FOUND);
	CHECK_EQ_INT(nest_args_u64("label=\"ram_quota=5\"", "ram_quota", &v), NEST_ERR_NOT_FOUND);
}

UNIT_TEST(key_not_found)
{
	char buf[8] = "junk";

	CHECK_EQ_INT(nest_args_str(typical, "lab", buf, sizeof(buf)), NEST_ERR_NOT_FOUND);
	CHECK_EQ_STR(buf, "");
	CHECK_EQ_INT(nest_args_str("", "label", buf, sizeof(buf)), NEST_ERR_NOT_FOUND);
	CHECK_EQ_INT(nest_args_str("  ", "label", buf, sizeof(buf)), NEST_ERR_NOT_FOUND);
}

UNIT_TEST(valid_forms)
{
	static const char *const ok[] = {
		"", " ", "\t", "a=1", " a = 1 ", "a=1,b=2", "a=1 ,\tb=2", "a=\"\"", "a=x.y_z",
		"a=\"\\\"\"", "a=\"\\\\\"", "a=\"with, comma=and \\\"quotes\\\"\"", "A_1=B",
		"a=\"<>&'\tx\"", "a=1.5", "a=_",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (nest_args_validate(ok[i]) != NEST_OK)
			printf("  rejected: %s\n", ok[i]);
		CHECK_EQ_INT(nest_args_validate(ok[i]), NEST_OK);
	}
}

UNIT_TEST(malformed_strings)
{
	static const char *const bad[] = {
		",", "a", "a=", "=1", "a=1,", ",a=1", "a=1,,b=2", "a=1 b=2", "a==1", "a=\"x",
		"a=\"x\"y", "a=\"\\x\"", "a=\"\\\"", "a=1;", "a-b=1", "a=-1", "a=1, a=2",
		"a=1, b=2, a=\"3\"", "a b=1", "a=\"x\" \"y\"", "a=x y", "a=\"", "a=\"\\",
		"label=\"x\"\n", "a=1,\n b=2", "a=@",
	};
	char buf[16];
	uint64_t v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (nest_args_validate(bad[i]) != NEST_ERR_SYNTAX)
			printf("  accepted: %s\n", bad[i]);
		CHECK_EQ_INT(nest_args_validate(bad[i]), NEST_ERR_SYNTAX);
		CHECK_EQ_INT(nest_args_str(bad[i], "a", buf, sizeof(buf)), NEST_ERR_SYNTAX);
		CHECK_EQ_INT(nest_args_u64(bad[i], "b", &v), NEST_ERR_SYNTAX);
	}
}

UNIT_TEST(duplicate_keys_rejected_everywhere)
{
	char args[64] = "label=\"a\", ram_quota=1, label=\"b\"";
	char buf[16];

	CHECK_EQ_INT(nest_args_validate(args), NEST_ERR_SYNTAX);
	CHECK_EQ_INT(nest_args_str(args, "label", buf, sizeof(buf)), NEST_ERR_SYNTAX);
	CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "label", "c"), NEST_ERR_SYNTAX);
	CHECK_EQ_INT(nest_args_remove(args, "label"), NEST_ERR_SYNTAX);
	CHECK_EQ_STR(args, "label=\"a\", ram_quota=1, label=\"b\"");
}

UNIT_TEST(escapes_decoded)
{
	char buf[32];

	CHECK_EQ_INT(nest_args_str("s=\"a\\\"b\\\\c\"", "s", buf, sizeof(buf)), NEST_OK);
	CHECK_EQ_STR(buf, "a\"b\\c");
	CHECK_EQ_INT(nest_args_str("s=\"\"", "s", buf, sizeof(buf)), NEST_OK);
	CHECK_EQ_STR(buf, "");
	CHECK_EQ_INT(nest_args_str("s=\"\\\\\"", "s", buf, sizeof(buf)), NEST_OK);
	CHECK_EQ_STR(buf, "\\");
}

UNIT_TEST(string_does_not_fit)
{
	char buf[6] = "junk";

	CHECK_EQ_INT(nest_args_str("s=\"12345\"", "s", buf, sizeof(buf)), NEST_OK);
	CHECK_EQ_STR(buf, "12345");
	CHECK_EQ_INT(nest_args_str("s=\"123456\"", "s", buf, sizeof(buf)), NEST_ERR_MSG_TOO_LARGE);
	CHECK_EQ_STR(buf, "");
	CHECK_EQ_INT(nest_args_str("s=123456", "s", buf, sizeof(buf)), NEST_ERR_MSG_TOO_LARGE);
	CHECK_EQ_INT(nest_args_str("s=\"\\\\\\\\\\\\\\\\\\\\\"", "s", buf, sizeof(buf)), NEST_OK);
	CHECK_EQ_STR(buf, "\\\\\\\\\\");
	CHECK_EQ_INT(nest_args_str("s=1", "s", buf, 0), NEST_ERR_MSG_TOO_LARGE);
	CHECK_EQ_INT(nest_args_str("s=\"\"", "s", buf, 1), NEST_OK);
}

UNIT_TEST(numbers)
{
	static const struct { const char *text; uint64_t value; } ok[] = {
		{ "0", 0 }, { "42", 42 }, { "8K", 8192 }, { "8k", 8192 }, { "3M", 3ULL << 20 },
		{ "1G", 1ULL << 30 }, { "0x10", 16 }, { "0XfF", 255 }, { "0x1M", 1ULL << 20 },
		{ "18446744073709551615", UINT64_MAX }, { "17179869183G", 17179869183ULL << 30 },
		{ "007", 7 },
	};
	static const struct { const char *text; enum nest_error error; } bad[] = {
		{ "x", NEST_ERR_SYNTAX }, { "1KB", NEST_ERR_SYNTAX }, { "1T", NEST_ERR_SYNTAX },
		{ "K", NEST_ERR_SYNTAX }, { "0x", NEST_ERR_SYNTAX }, { "0xg", NEST_ERR_SYNTAX },
		{ "1.5", NEST_ERR_SYNTAX }, { "\"8K\"", NEST_ERR_SYNTAX },
		{ "12a", NEST_ERR_SYNTAX },
		{ "18446744073709551616", NEST_ERR_INVALID_ARGS },
		{ "0x10000000000000000", NEST_ERR_INVALID_ARGS },
		{ "17179869184G", NEST_ERR_INVALID_ARGS },
	};
	char args[64];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t v = 1;

		snprintf(args, sizeof(args), "label=\"x\", n=%s, z=1", ok[i].text);
		CHECK_EQ_INT(nest_args_u64(args, "n", &v), NEST_OK);
		if (v != ok[i].value)
			printf("  wrong value for %s\n", ok[i].text);
		CHECK(v == ok[i].value);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 1;

		snprintf(args, sizeof(args), "n=%s", bad[i].text);
		if (nest_args_u64(args, "n", &v) != bad[i].error)
			printf("  wrong result for %s\n", bad[i].text);
		CHECK_EQ_INT(nest_args_u64(args, "n", &v), bad[i].error);
		CHECK_EQ_INT(v, 1);
	}
}

UNIT_TEST(replace_keeps_order)
{
	char args[128];

	strcpy(args, typical);
	CHECK_EQ_INT(nest_args_set_u64(args, sizeof(args), "ram_quota", 123456), NEST_OK);
	CHECK_EQ_STR(args, "label=\"init -> hello\", ram_quota=123456, cap_quota=3");
	CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "label", "a"), NEST_OK);
	CHECK_EQ_STR(args, "label=\"a\", ram_quota=123456, cap_quota=3");
	CHECK_EQ_INT(nest_args_set_u64(args, sizeof(args), "cap_quota", 0), NEST_OK);
	CHECK_EQ_STR(args, "label=\"a\", ram_quota=123456, cap_quota=0");
	CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "ram_quota", "x"), NEST_OK);
	CHECK_EQ_STR(args, "label=\"a\", ram_quota=\"x\", cap_quota=0");
}

UNIT_TEST(append_new_key)
{
	char args[128] = "";

	CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "label", "init"), NEST_OK);
	CHECK_EQ_STR(args, "label=\"init\"");
	CHECK_EQ_INT(nest_args_set_u64(args, sizeof(args), "ram_quota", UINT64_MAX), NEST_OK);
	CHECK_EQ_STR(args, "label=\"init\", ram_quota=18446744073709551615");
	CHECK_EQ_INT(nest_args_validate(args), NEST_OK);

	strcpy(args, "   ");
	CHECK_EQ_INT(nest_args_set_u64(args, sizeof(args), "a", 1), NEST_OK);
	CHECK_EQ_STR(args, "a=1");
}

UNIT_TEST(escaping_round_trip)
{
	static const char *const values[] = {
		"", "plain", "with \"quotes\"", "back\\slash", "\\\"", "\"\"\"", "\\\\\\",
		"a, b=c", "init -> client -> \"sub\\\"", "x\"", "\\",
	};
	char args[256], buf[64];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		strcpy(args, "ram_quota=1, label=\"old\", cap_quota=2");
		CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "label", values[i]), NEST_OK);
		CHECK_EQ_INT(nest_args_validate(args), NEST_OK);
		CHECK_EQ_INT(nest_args_str(args, "label", buf, sizeof(buf)), NEST_OK);
		CHECK_EQ_STR(buf, values[i]);
		CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "other", values[i]), NEST_OK);
		CHECK_EQ_INT(nest_args_str(args, "other", buf, sizeof(buf)), NEST_OK);
		CHECK_EQ_STR(buf, values[i]);
		CHECK_EQ_INT(nest_args_str(args, "ram_quota", buf, sizeof(buf)), NEST_OK);
		CHECK_EQ_STR(buf, "1");
		CHECK_EQ_INT(nest_args_str(args, "cap_quota", buf, sizeof(buf)), NEST_OK);
		CHECK_EQ_STR(buf, "2");
	}
}

UNIT_TEST(every_byte_round_trip)
{
	char value[2] = { 0, 0 }, args[32], buf[4];

	for (int c = 1; c < 256; c++) {
		value[0] = (char)c;
		strcpy(args, "a=1");
		CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "v", value), NEST_OK);
		CHECK_EQ_INT(nest_args_str(args, "v", buf, sizeof(buf)), NEST_OK);
		CHECK_EQ_STR(buf, value);
	}
}

UNIT_TEST(overflow_leaves_args_unchanged)
{
	char args[32];

	/* replacement: exactly fitting, then one byte too long */
	strcpy(args, "a=\"x\", b=2");
	CHECK_EQ_INT(nest_args_set_str(args, 15, "a", "12345"), NEST_OK);
	CHECK_EQ_STR(args, "a=\"12345\", b=2");
	CHECK_EQ_INT(nest_args_set_str(args, 15, "a", "123456"), NEST_ERR_MSG_TOO_LARGE);
	CHECK_EQ_STR(args, "a=\"12345\", b=2");
	CHECK_EQ_INT(nest_args_set_str(args, 15, "a", "1234\""), NEST_ERR_MSG_TOO_LARGE);
	CHECK_EQ_STR(args, "a=\"12345\", b=2");

	/* appending */
	strcpy(args, "a=1");
	CHECK_EQ_INT(nest_args_set_u64(args, 9, "b", 22), NEST_ERR_MSG_TOO_LARGE);
	CHECK_EQ_STR(args, "a=1");
	CHECK_EQ_INT(nest_args_set_u64(args, 10, "b", 22), NEST_OK);
	CHECK_EQ_STR(args, "a=1, b=22");
	CHECK_EQ_INT(nest_args_set_str(args, 10, "c", ""), NEST_ERR_MSG_TOO_LARGE);
	CHECK_EQ_STR(args, "a=1, b=22");
	CHECK_EQ_INT(nest_args_set_str(args, 0, "b", ""), NEST_ERR_MSG_TOO_LARGE);
	CHECK_EQ_STR(args, "a=1, b=22");
}

UNIT_TEST(set_rejects_bad_keys_and_args)
{
	char args[64] = "a=1";

	CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "", "x"), NEST_ERR_INVALID_ARGS);
	CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "a b", "x"), NEST_ERR_INVALID_ARGS);
	CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "a=", "x"), NEST_ERR_INVALID_ARGS);
	CHECK_EQ_INT(nest_args_set_u64(args, sizeof(args), "a.b", 1), NEST_ERR_INVALID_ARGS);
	CHECK_EQ_STR(args, "a=1");

	strcpy(args, "a=1,");
	CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "b", "x"), NEST_ERR_SYNTAX);
	CHECK_EQ_STR(args, "a=1,");
}

UNIT_TEST(remove_keys)
{
	char args[128];

	strcpy(args, "a=1, b=\"x, y\", c=3");
	CHECK_EQ_INT(nest_args_remove(args, "b"), NEST_OK);
	CHECK_EQ_STR(args, "a=1, c=3");
	CHECK_EQ_INT(nest_args_remove(args, "c"), NEST_OK);
	CHECK_EQ_STR(args, "a=1");
	CHECK_EQ_INT(nest_args_remove(args, "b"), NEST_ERR_NOT_FOUND);
	CHECK_EQ_STR(args, "a=1");
	CHECK_EQ_INT(nest_args_remove(args, "a"), NEST_OK);
	CHECK_EQ_STR(args, "");
	CHECK_EQ_INT(nest_args_remove(args, "a"), NEST_ERR_NOT_FOUND);

	strcpy(args, "a=1 ,  b=2,c=3");
	CHECK_EQ_INT(nest_args_remove(args, "a"), NEST_OK);
	CHECK_EQ_STR(args, "b=2,c=3");
	CHECK_EQ_INT(nest_args_validate(args), NEST_OK);

	strcpy(args, "a=1,b=2");
	CHECK_EQ_INT(nest_args_remove(args, "x"), NEST_ERR_NOT_FOUND);
	CHECK_EQ_INT(nest_args_remove(args, "b"), NEST_OK);
	CHECK_EQ_STR(args, "a=1");

	strcpy(args, "a=1, b");
	CHECK_EQ_INT(nest_args_remove(args, "a"), NEST_ERR_SYNTAX);
	CHECK_EQ_STR(args, "a=1, b");
}

UNIT_TEST(remove_then_append)
{
	char args[128];
	char buf[32];

	strcpy(args, typical);
	CHECK_EQ_INT(nest_args_remove(args, "label"), NEST_OK);
	CHECK_EQ_STR(args, "ram_quota=8K, cap_quota=3");
	CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "label", "new"), NEST_OK);
	CHECK_EQ_STR(args, "ram_quota=8K, cap_quota=3, label=\"new\"");
	CHECK_EQ_INT(nest_args_str(args, "label", buf, sizeof(buf)), NEST_OK);
	CHECK_EQ_STR(buf, "new");
}

UNIT_TEST(label_prepend)
{
	char out[32];

	CHECK_EQ_INT(nest_label_prepend(out, sizeof(out), "init", "hello"), NEST_OK);
	CHECK_EQ_STR(out, "init -> hello");
	CHECK_EQ_INT(nest_label_prepend(out, sizeof(out), "init", ""), NEST_OK);
	CHECK_EQ_STR(out, "init");
	CHECK_EQ_INT(nest_label_prepend(out, sizeof(out), "", "hello"), NEST_OK);
	CHECK_EQ_STR(out, "hello");
	CHECK_EQ_INT(nest_label_prepend(out, sizeof(out), "", ""), NEST_OK);
	CHECK_EQ_STR(out, "");

	/* the result of 13 characters needs 14 bytes */
	CHECK_EQ_INT(nest_label_prepend(out, 14, "init", "hello"), NEST_OK);
	CHECK_EQ_INT(nest_label_prepend(out, 13, "init", "hello"), NEST_ERR_MSG_TOO_LARGE);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(nest_label_prepend(out, 0, "", ""), NEST_ERR_MSG_TOO_LARGE);
}

UNIT_TEST(label_prepend_in_place)
{
	char buf[32];

	strcpy(buf, "client -> sub");
	CHECK_EQ_INT(nest_label_prepend(buf, sizeof(buf), "init", buf), NEST_OK);
	CHECK_EQ_STR(buf, "init -> client -> sub");
	CHECK_EQ_INT(nest_label_prepend(buf, sizeof(buf), "core", buf), NEST_OK);
	CHECK_EQ_STR(buf, "core -> init -> client -> sub");
	CHECK_EQ_INT(nest_label_prepend(buf, sizeof(buf), "toolong", buf), NEST_ERR_MSG_TOO_LARGE);
	CHECK_EQ_STR(buf, "core -> init -> client -> sub");

	strcpy(buf, "init");
	CHECK_EQ_INT(nest_label_prepend(buf, sizeof(buf), buf, "child"), NEST_OK);
	CHECK_EQ_STR(buf, "init -> child");
}

UNIT_TEST(label_last)
{
	CHECK_EQ_STR(nest_label_last("init -> client -> sub"), "sub");
	CHECK_EQ_STR(nest_label_last("sub"), "sub");
	CHECK_EQ_STR(nest_label_last(""), "");
	CHECK_EQ_STR(nest_label_last("a -> "), "");
	CHECK_EQ_STR(nest_label_last("a->b"), "a->b");
	CHECK_EQ_STR(nest_label_last("a -> b->c"), "b->c");
}

UNIT_TEST(parent_rewrites_label)
{
	char args[160] = "label=\"terminal\", ram_quota=4K, cap_quota=2";
	char label[128], prefixed[128];

	CHECK_EQ_INT(nest_args_str(args, "label", label, sizeof(label)), NEST_OK);
	CHECK_EQ_INT(nest_label_prepend(prefixed, sizeof(prefixed), "init -> shell", label),
	             NEST_OK);
	CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "label", prefixed), NEST_OK);
	CHECK_EQ_STR(args, "label=\"init -> shell -> terminal\", ram_quota=4K, cap_quota=2");
	CHECK_EQ_STR(nest_label_last(prefixed), "terminal");

	/* a client without a label gets the parent's prefix alone */
	strcpy(args, "ram_quota=4K");
	CHECK_EQ_INT(nest_args_str(args, "label", label, sizeof(label)), NEST_ERR_NOT_FOUND);
	CHECK_EQ_INT(nest_label_prepend(prefixed, sizeof(prefixed), "init -> shell", label),
	             NEST_OK);
	CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "label", prefixed), NEST_OK);
	CHECK_EQ_STR(args, "ram_quota=4K, label=\"init -> shell\"");
}

UNIT_TEST(number_or_fallback)
{
	uint64_t v = 1;
	CHECK_EQ_INT(nest_args_u64_or("a=5", "a", 7, &v), NEST_OK);
	CHECK_EQ_INT(v, 5);
	CHECK_EQ_INT(nest_args_u64_or("b=5", "a", 7, &v), NEST_OK);
	CHECK_EQ_INT(v, 7);
	CHECK_EQ_INT(nest_args_u64_or("a=\"5\"", "a", 7, &v), NEST_ERR_INVALID_ARGS);
	CHECK_EQ_INT(nest_args_u64_or("a=5,,", "a", 7, &v), NEST_ERR_INVALID_ARGS);
}

/* what may reach a log: no C0, DEL or (UTF-8) C1 control character */
UNIT_TEST(printable_text)
{
	CHECK(nest_text_printable("init -> caf\xc3\xa9 \xc2\xa0 ~"));
	CHECK(!nest_text_printable("a\nb"));
	CHECK(!nest_text_printable("a\tb"));
	CHECK(!nest_text_printable("a\x7f"));
	CHECK(!nest_text_printable("\x1b[2J"));
	CHECK(!nest_text_printable("csi \xc2\x9b"));
	CHECK_EQ_INT(nest_text_control("\xc2\x9bx"), 2);
	CHECK_EQ_INT(nest_text_control("\xc2\xa0x"), 0);
	CHECK_EQ_INT(nest_text_control("\x01"), 1);
	CHECK_EQ_INT(nest_text_control("\xc2"), 0);
	CHECK(nest_text_printable(""));
}

UNIT_TEST(random_strings_never_crash)
{
	static const char alphabet[] = "ab=,\" \\1Kx_.";
	uint64_t state = 12345, v;
	char args[96], buf[16];

	for (unsigned round = 0; round < 50000; round++) {
		size_t len = round % 24;

		for (size_t i = 0; i < len; i++) {
			state = state * 6364136223846793005ULL + 1442695040888963407ULL;
			args[i] = alphabet[(state >> 33) % (sizeof(alphabet) - 1)];
		}
		args[len] = 0;
		if (nest_args_validate(args) != NEST_OK) {
			CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "a", "x"),
			             NEST_ERR_SYNTAX);
			continue;
		}
		(void)nest_args_u64(args, "a", &v);
		if (nest_args_str(args, "a", buf, sizeof(buf)) == NEST_OK) {
			CHECK_EQ_INT(nest_args_set_str(args, sizeof(args), "b", buf), NEST_OK);
			CHECK_EQ_INT(nest_args_str(args, "b", buf + 8, 8) != NEST_ERR_SYNTAX, 1);
		}
		CHECK_EQ_INT(nest_args_validate(args), NEST_OK);
		(void)nest_args_remove(args, "a");
		CHECK_EQ_INT(nest_args_validate(args), NEST_OK);
		CHECK(nest_args_remove(args, "a") == NEST_ERR_NOT_FOUND);
	}
}

UNIT_MAIN()
