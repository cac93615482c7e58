/*
 * \brief  Uses the terminal, TAP device or X display that core's policy
 *         gives its label, as its config says (<config service="Host_tap"/>)
 *
 * It opens the session (denied for a label without a policy), takes the
 * handle and, calling Linux directly as a driver does: Host_terminal asks
 * the terminal's modes (the driver profile's ioctl) and writes a line to
 * it; Host_tap reads one Ethernet frame and names its type; Host_x11 sends
 * the X protocol's connection setup and reads the answer. Each outcome is
 * one line for the test (tests/host_devices.test).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <nest/attached_rom.h>
#include <nest/env.h>
#include <nest/host_handle.h>
#include "tests/host_attempt.h"
#include <nest/xml.h>

static void use_terminal(struct nest_env *env, int fd)
{
	static const char line[] = "written to the host terminal by a component\r\n";
	struct termios modes;
	nest_log(env, "terminal modes: %s", host_attempt(ioctl(fd, TCGETS, &modes)));
	nest_log(env, "terminal write: %s", host_attempt(write(fd, line, sizeof(line) - 1)));
}

/* the host's first ARP request on the device (IPv6 chatter comes too) */
static void use_tap(struct nest_env *env, int fd)
{
	unsigned char frame[2048];

	nest_log(env, "waiting for a frame");
	for (unsigned i = 0; i < 100; i++) {
		ssize_t n = read(fd, frame, sizeof(frame));
		if (n < 0) {
			nest_log(env, "frame: %s", host_attempt(n));
			return;
		}
		if (n >= 42 && frame[12] == 0x08 && frame[13] == 0x06) {
			nest_log(env, "frame: ARP who-has %u.%u.%u.%u", frame[38], frame[39], frame[40],
			         frame[41]);
			return;
		}
	}
	nest_log(env, "frame: no ARP request in 100 frames");
}

static void use_x11(struct nest_env *env, int fd)
{
	/* little-endian, protocol 11.0, no authorization */
	static const unsigned char setup[12] = { 'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	unsigned char reply[8] = { 0xff };
	ssize_t n = write(fd, setup, sizeof(setup));

	if (n == sizeof(setup))
		n = read(fd, reply, sizeof(reply));
	nest_log(env, "X11 setup: %s", n < 1 ? host_attempt(-1) : reply[0] == 1 ? "success"
	                                    : reply[0] == 0 ? "failed" : "authenticate");
}

void component_construct(struct nest_env *env)
{
	struct nest_attached_rom config;
	struct nest_xml_node node;
	struct nest_cap session;
	struct nest_host_handle handle;
	char service[32] = "";
	enum nest_error err;

	if (nest_attached_rom_open(&config, env, "label=\"config\", ram_quota=4K, cap_quota=1") ||
	    !config.content || nest_xml_parse(config.content, config.size, &node, NULL) ||
	    !nest_xml_attr_str(&node, "service", service, sizeof(service))) {
		nest_log(env, "Error: no <config service=\"...\"/>");
		nest_env_exit(env, 1);
	}
	err = nest_env_session(env, service, "ram_quota=4K, cap_quota=2", &session);
	nest_log(env, "%s session: %s", service, nest_error_name(err));
	if (err)
		nest_env_exit(env, 0);
	err = nest_host_handle_take(session, &handle);
	nest_log(env, "take: %s", nest_error_name(err));
	if (err)
		nest_env_exit(env, 1);
	if (!strcmp(service, "Host_terminal"))
		use_terminal(env, handle.number);
	else if (!strcmp(service, "Host_tap"))
		use_tap(env, handle.number);
	else if (!strcmp(service, "Host_x11"))
		use_x11(env, handle.number);
	nest_env_exit(env, 0);
}
