/*
 * \brief  Core: boots the system from a directory of boot modules
 *
 * Usage: core [--ram SIZE] [--caps N] [--report-dir DIR] [--config FILE]
 *             [--no-sandbox | --sanitized DIR] BOOT_DIR
 *
 * Every regular file of BOOT_DIR becomes a ROM module. The module "config"
 * (init's configuration) must be well-formed XML and "init" must exist;
 * otherwise core refuses to boot and names the file, line and problem. Core
 * then starts init with all RAM and capabilities as its quota, serves it,
 * and exits with init's exit value when init ends. With --report-dir, core
 * also offers a Report service whose reports become files in DIR. With
 * --config, core's policy (policy.c) names the host resources that labels
 * may have and the sandbox profile of each label.
 *
 * Two options are for tests only. --no-sandbox: components then run as core
 * runs, with core's user, namespaces and limits and without the seccomp
 * filter, so that the sandbox probes can show that each of their attacks
 * works without the sandbox (scripts/run_scenario --no-sandbox). Only core's
 * command line can turn the sandbox off, and core says so in its log.
 * --sanitized boots the components of the sanitized build, whose sandbox
 * gets DIR, the directory of their loader and sanitizer runtimes
 * (core/linux/sanitized.c says what else).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nest/xml.h>
#include <nest/session_args.h>
#include "core/core.h"

enum { DEFAULT_RAM = 1024u << 20, DEFAULT_CAPS = 100000 };

static int usage(void)
{
	core_log("usage: core [--ram SIZE] [--caps N] [--report-dir DIR] [--config FILE] "
	         "[--no-sandbox | --sanitized DIR] BOOT_DIR");
	return 2;
}

static int parse_size(const char *text, uint64_t *value)
{
	char args[96];
	snprintf(args, sizeof(args), "v=%s", text);
	return nest_args_u64(args, "v", value) == NEST_OK;
}

static int check_modules(struct core *core, const char *dir)
{
	const struct boot_module *config = core_module(core, "config");
	struct nest_xml_node root;
	struct nest_xml_error error;

	if (!core_module(core, "init")) {
		core_log("%s/init: missing boot module (the init binary)", dir);
		return 0;
	}
	if (!config) {
		core_log("%s/config: missing boot module (init's configuration)", dir);
		return 0;
	}
	if (nest_xml_parse(config->content, config->size, &root, &error)) {
		core_log("%s/config:%u:%u: %s", dir, error.line, error.column, error.message);
		return 0;
	}
	if (!nest_xml_has_type(&root, "config")) {
		core_log("%s/config:%u:1: top-level node must be <config>", dir,
		         nest_xml_line(&root, config->content));
		return 0;
	}
	return 1;
}

static bool load_config(struct core *core, const char *path)
{
	struct nest_xml_error error;
	char why[512];
	size_t size;

	if (host_text_read(path, &core->config_text, &size, why, sizeof(why))) {
		core_log("%s", why);
		return false;
	}
	if (nest_xml_parse(core->config_text, size, &core->config, &error)) {
		core_log("%s:%u:%u: %s", path, error.line, error.column, error.message);
		return false;
	}
	return core_config_check(core, path);
}

int main(int argc, char **argv)
{
	static struct core core;
	uint64_t ram = DEFAULT_RAM, caps = DEFAULT_CAPS;
	const char *dir = NULL, *report_dir = NULL, *config = NULL;
	bool sandboxed = true;
	char error[512];
	struct nest_cap binary;
	int code;

	if (sandbox_reserve_slots()) {
		core_log("cannot reserve the descriptors that starting components takes");
		return 3;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ram") == 0 && i + 1 < argc) {
			if (!parse_size(argv[++i], &ram)) return usage();
		} else if (strcmp(argv[i], "--caps") == 0 && i + 1 < argc) {
			if (!parse_size(argv[++i], &caps)) return usage();
		} else if (strcmp(argv[i], "--report-dir") == 0 && i + 1 < argc) {
			report_dir = argv[++i];
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[++i];
		} else if (strcmp(argv[i], "--no-sandbox") == 0) {
			sandboxed = false;
		} else if (strcmp(argv[i], "--sanitized") == 0 && i + 1 < argc && argv[i + 1][0] == '/') {
			core.sandbox.sanitized = argv[++i];
		} else if (!dir && argv[i][0] != '-') {
			dir = argv[i];
		} else {
			return usage();
		}
	}
	if (!dir || (!sandboxed && core.sandbox.sanitized))
		return usage();
	core.report_dir = -1;
	if (report_dir && report_dir_open(report_dir, &core.report_dir))
		return 2;                 /* it said why */

	if (config && !load_config(&core, config))
		return 2;                 /* it said why */
	core_raise_fd_limit();
	if (boot_modules_load(dir, &core.modules, &core.module_count, error, sizeof(error))) {
		core_log("%s", error);
		return 2;
	}
	if (!check_modules(&core, dir))
		return 2;
	if (!sandboxed) {
		sandbox_init_unconfined(&core.sandbox);
		core_log("SANDBOX OFF (--no-sandbox): components run unconfined, with core's user, "
		         "files, network and processes in reach; for tests only");
	} else if (sandbox_init(&core.sandbox)) {
		/* without an empty root, the filter alone cannot keep a component
		 * from naming host files (fstat, execveat with a path) */
		core_log("cannot create the sandbox namespaces (%s): refusing to boot",
		         core.sandbox.why_not);
		return 3;
	}
	if (nest_ep_init(&core.ep) || core_parent_init(&core) || core_stats_init(&core, &core.stats) ||
	    core_tracer_init(&core, &core.tracer) || core_spawner_init(&core, &core.tracer))
		return 3;
	boot_watch_init(&core, &core.boot_watch, dir);   /* on failure it says why; core boots */

	/* init's location is the whole space, as a child's without <affinity> */
	core.init_pd = pd_create(&core, "init", NULL, 0, sandbox_cpu_count(&core.sandbox));
	if (!core.init_pd)
		return 3;
	core.init_pd->account.ram_quota = ram;
	core.init_pd->account.cap_quota = caps;
	binary = nest_cap_from_handle(core_module(&core, "init")->fd);
	core_log("%u boot modules, %llu MiB of RAM and %llu caps for init", core.module_count,
	         (unsigned long long)(ram >> 20), (unsigned long long)caps);
	if (pd_serve_start(core.init_pd, binary, core.init_parent.object.cap, "init"))
		return 3;

	nest_ep_run(&core.ep);

	if (core.init_pd->state == NEST_PD_FAULTED)
		code = 128 + core.init_pd->signal;
	else
		code = core.init_reported_exit ? core.init_exit_code : core.init_pd->exit_code;
	core_log("init exited with exit value %d", code);
	core_close_all_sessions(&core);
	pd_destroy(core.init_pd);
	boot_watch_fini(&core, &core.boot_watch);
	nest_ep_fini(&core.ep);
	sandbox_fini(&core.sandbox);
	free(core.config_text);
	return code;
}
