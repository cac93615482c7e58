/*
 * \brief  Baseline: empty D-Bus method call round trip on a private bus
 *
 * Nest's null RPC must be at least 10x faster than the usual Linux answer to
 * "call a method in another process" (docs/targets.md). The program starts
 * its own dbus-daemon with a generated configuration (so no system or session
 * bus and no host policy are involved), a server process that owns a name and
 * answers an empty method call, and calls it from the main process with
 * dbus_connection_send_with_reply_and_block, as a typical client does.
 *
 * Pinning: --cpus same puts client, server and daemon on CPU 0; --cpus split
 * puts the client on CPU 0 and the server with the daemon on CPU 1.
 *
 * Nothing is left behind: the configuration file and the bus socket are
 * removed as soon as everyone is connected, the daemon and the server are
 * killed at exit (also on error or SIGINT/SIGTERM), and both die with the main
 * process if it is killed outright (PR_SET_PDEATHSIG).
 *
 * Output: dbus_pingpong cpus=same median_us=... p10_us=... p90_us=...
 */
#define _GNU_SOURCE
#include <dbus/dbus.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

#define BENCH_NAME  "org.nest.Bench"
#define BENCH_PATH  "/org/nest/Bench"
#define BENCH_IFACE "org.nest.Bench"
#define BENCH_CALL  "Ping"

enum { CALL_TIMEOUT_MS = 5000, START_TIMEOUT_MS = 10000 };

/* state needed by the clean-up, which may run from a signal handler */
static pid_t  main_pid;
static pid_t  daemon_pid = -1;
static pid_t  server_pid = -1;
static char   tmp_dir[]  = "/tmp/nest-dbus-bench-XXXXXX";
static char   conf_path[sizeof(tmp_dir) + 16];
static char   sock_path[sizeof(tmp_dir) + 16];
static int    tmp_dir_made;

static void reap(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGKILL);
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	*pid = -1;
}

/* async-signal-safe: kill, waitpid, unlink and rmdir only */
static void cleanup(void)
{
	int saved = errno;

	if (getpid() != main_pid)
		return;
	reap(&server_pid);
	reap(&daemon_pid);
	if (tmp_dir_made) {
		unlink(conf_path);
		unlink(sock_path);
		rmdir(tmp_dir);
		tmp_dir_made = 0;
	}
	errno = saved;
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* in a freshly forked child: die with the main process, keep only 'keep' */
static void child_setup(int keep)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != main_pid)
		_exit(1);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (keep >= 0 && keep != 3) {
		if (dup2(keep, 3) < 0)
			_exit(1);
	}
	close_range(keep >= 0 ? 4 : 3, ~0U, 0);
}

/* read one line from 'fd' within START_TIMEOUT_MS; 0 on success */
static int read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, START_TIMEOUT_MS) <= 0)
			return -1;
		n = read(fd, buf + len, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (buf[len] == '\n') {
			buf[len] = 0;
			return 0;
		}
		len++;
	}
	return -1;
}

static void write_config(void)
{
	FILE *f = fopen(conf_path, "w");

	if (!f)
		bench_die("cannot create %s: %s", conf_path, strerror(errno));
	fprintf(f,
	        "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
	        " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
	        "<busconfig>\n"
	        "  <listen>unix:path=%s</listen>\n"
	        "  <auth>EXTERNAL</auth>\n"
	        "  <policy context=\"default\">\n"
	        "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
	        "    <allow eavesdrop=\"true\"/>\n"
	        "    <allow own=\"*\"/>\n"
	        "    <allow user=\"*\"/>\n"
	        "  </policy>\n"
	        "</busconfig>\n", sock_path);
	if (fclose(f))
		bench_die("cannot write %s: %s", conf_path, strerror(errno));
}

/* start dbus-daemon on CPU 'cpu', return its bus address in 'addr' */
static void start_daemon(int cpu, char *addr, size_t size)
{
	char conf_arg[sizeof(conf_path) + 16];
	int pfd[2];

	if (pipe2(pfd, O_CLOEXEC))
		bench_die("pipe: %s", strerror(errno));
	snprintf(conf_arg, sizeof(conf_arg), "--config-file=%s", conf_path);

	daemon_pid = fork();
	if (daemon_pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (daemon_pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/*
		 * The daemon's stderr is silenced unless NEST_BENCH_VERBOSE is set:
		 * as root it warns on every start that it cannot raise its fd
		 * limit, which is harmless and would clutter the table.
		 */
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			if (!getenv("NEST_BENCH_VERBOSE"))
				dup2(null, 2);
		}
		child_setup(pfd[1]);
		bench_pin(cpu);
		execlp("dbus-daemon", "dbus-daemon", "--nofork",
		       "--print-address=3", conf_arg, (char *)NULL);
		/* stderr may be silenced: report through the address pipe */
		dprintf(3, "!cannot run dbus-daemon: %s\n", strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	if (read_line(pfd[0], addr, size))
		bench_die("dbus-daemon did not report its address"
		          " (set NEST_BENCH_VERBOSE=1 to see its messages)");
	if (addr[0] == '!')
		bench_die("%s", addr + 1);
	close(pfd[0]);
}

static DBusConnection *connect_bus(const char *addr)
{
	DBusError err;
	DBusConnection *conn;

	dbus_error_init(&err);
	conn = dbus_connection_open_private(addr, &err);
	if (!conn)
		bench_die("cannot connect to %s: %s", addr, err.message);
	if (!dbus_bus_register(conn, &err))
		bench_die("cannot register on the bus: %s", err.message);
	dbus_connection_set_exit_on_disconnect(conn, FALSE);
	return conn;
}

/* answer every call with an empty reply until the bus goes away */
static void server_loop(DBusConnection *conn)
{
	while (dbus_connection_read_write(conn, -1)) {
		DBusMessage *msg;

		while ((msg = dbus_connection_pop_message(conn))) {
			if (dbus_message_is_signal(msg, DBUS_INTERFACE_LOCAL,
			                           "Disconnected"))
				_exit(0);
			if (dbus_message_get_type(msg) == DBUS_MESSAGE_TYPE_METHOD_CALL) {
				DBusMessage *reply = dbus_message_new_method_return(msg);

				if (!reply || !dbus_connection_send(conn, reply, NULL))
					_exit(1);
				dbus_message_unref(reply);
			}
			dbus_message_unref(msg);
		}
	}
	_exit(0);
}

static void start_server(int cpu, const char *addr)
{
	int pfd[2];
	char ok;

	if (pipe2(pfd, O_CLOEXEC))
		bench_die("pipe: %s", strerror(errno));

	server_pid = fork();
	if (server_pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (server_pid == 0) {
		DBusConnection *conn;
		DBusError err;

		child_setup(pfd[1]);
		bench_pin(cpu);
		conn = connect_bus(addr);
		dbus_error_init(&err);
		if (dbus_bus_request_name(conn, BENCH_NAME,
		                          DBUS_NAME_FLAG_DO_NOT_QUEUE, &err)
		    != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
			fprintf(stderr, "dbus_pingpong: server cannot own %s: %s\n",
			        BENCH_NAME, err.message ? err.message : "not primary");
			_exit(1);
		}
		if (write(3, "1", 1) != 1)
			_exit(1);
		close(3);
		server_loop(conn);
	}
	close(pfd[1]);
	{
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };

		if (poll(&p, 1, START_TIMEOUT_MS) != 1 || read(pfd[0], &ok, 1) != 1)
			bench_die("server did not come up");
	}
	close(pfd[0]);
}

static int call_round_trip(void *arg)
{
	DBusConnection *conn = arg;
	DBusMessage *msg, *reply;
	DBusError err;

	msg = dbus_message_new_method_call(BENCH_NAME, BENCH_PATH, BENCH_IFACE,
	                                   BENCH_CALL);
	if (!msg)
		return -1;
	dbus_error_init(&err);
	reply = dbus_connection_send_with_reply_and_block(conn, msg,
	                                                  CALL_TIMEOUT_MS, &err);
	dbus_message_unref(msg);
	if (!reply) {
		fprintf(stderr, "dbus_pingpong: call failed: %s\n", err.message);
		dbus_error_free(&err);
		return -1;
	}
	dbus_message_unref(reply);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	DBusConnection *conn;
	char addr[512];

	bench_parse(&o, argc, argv, "dbus_pingpong", 20000, 20000);

	main_pid = getpid();
	if (atexit(cleanup))
		bench_die("atexit failed");
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	if (!mkdtemp(tmp_dir))
		bench_die("mkdtemp: %s", strerror(errno));
	tmp_dir_made = 1;
	snprintf(conf_path, sizeof(conf_path), "%s/bus.conf", tmp_dir);
	snprintf(sock_path, sizeof(sock_path), "%s/bus", tmp_dir);
	write_config();

	bench_pin(o.client_cpu);
	start_daemon(o.server_cpu, addr, sizeof(addr));
	start_server(o.server_cpu, addr);
	conn = connect_bus(addr);

	/* everyone is connected: nothing on disk is needed any more */
	unlink(conf_path);
	unlink(sock_path);
	rmdir(tmp_dir);
	tmp_dir_made = 0;

	bench_measure(&o, call_round_trip, conn);

	dbus_connection_close(conn);
	dbus_connection_unref(conn);
	cleanup();
	return 0;
}
