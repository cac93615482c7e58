/*
 * \brief  Report session: a component publishes state for others to read
 *
 * The semantics of Genode's Report session (repos/os/include/report_session/
 * report_session.h). The server hands the client a RAM dataspace of the
 * requested buffer_size that the client maps writable; the client writes a
 * report into it and calls submit(length): the first length bytes are the new
 * report, which the server copies out before submit returns. A length larger
 * than the dataspace is refused. clear() (or submit(0)) withdraws the report.
 * Copying on submit is what makes the dataspace a mere hand-over buffer, as
 * in Genode: whatever the client writes afterwards never changes a report
 * that others read.
 *
 * report_rom (servers/report_rom) serves the reports it receives as ROM
 * sessions; there, a report is named by the Report session's label as the
 * parent made it ("reporter -> state"), and one report has one writer.
 *
 * Costs: a Report session donates report_session_ram_quota(buffer_size)
 * (REPORT_SESSION_RAM for the server's state, the buffer, and the server's
 * copy of the current report, both page-rounded) and REPORT_SESSION_CAPS.
 * A ROM session of report_rom donates report_rom_session_ram_quota(size),
 * size being the largest report the client will map, because a reader that
 * has not yet fetched a newer version keeps the older one alive and pays
 * for it; and REPORT_ROM_SESSION_CAPS.
 */
#ifndef NEST_SESSION_REPORT_H
#define NEST_SESSION_REPORT_H

#include <nest/rpc.h>

enum {
	REPORT_SESSION_RAM      = 8 * 1024,
	REPORT_SESSION_CAPS     = 3,          /* session object, buffer, report copy */
	REPORT_BUFFER_MAX       = 1024 * 1024,
	REPORT_ROM_SESSION_RAM  = 4 * 1024,
	REPORT_ROM_SESSION_CAPS = 2,          /* session object, report copy held */
};

#define REPORT_DATASPACE(IN, OUT) OUT(cap, dataspace) OUT(u64, size)
#define REPORT_SUBMIT(IN, OUT)    IN(u64, length)
#define REPORT_CLEAR(IN, OUT)

#define REPORT_INTERFACE(RPC) \
	RPC(report, dataspace, REPORT_DATASPACE) \
	RPC(report, submit, REPORT_SUBMIT) \
	RPC(report, clear, REPORT_CLEAR)

NEST_RPC_INTERFACE(report, REPORT_INTERFACE)

/* the donations described above, for buffer_size (report_size) bytes */
uint64_t report_session_ram_quota(uint64_t buffer_size);
uint64_t report_rom_session_ram_quota(uint64_t report_size);

#endif
