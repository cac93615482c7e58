/*
 * \brief  Client stubs of the Report session, and what a session costs
 *
 * The costs are computed here rather than in the header because they depend
 * on the page size, which only the platform layer knows.
 */
#include <nest/platform.h>
#include <nest/session/report.h>

NEST_RPC_CLIENT(report, REPORT_INTERFACE)

static uint64_t page_round(uint64_t size)
{
	uint64_t page = plat_page_size();
	return (size + page - 1) / page * page;
}

/* larger sizes are refused by the server; clamping keeps the sums in range */
uint64_t report_session_ram_quota(uint64_t buffer_size)
{
	if (buffer_size > REPORT_BUFFER_MAX)
		buffer_size = REPORT_BUFFER_MAX;
	return REPORT_SESSION_RAM + 2 * page_round(buffer_size);
}

uint64_t report_rom_session_ram_quota(uint64_t report_size)
{
	if (report_size > REPORT_BUFFER_MAX)
		report_size = REPORT_BUFFER_MAX;
	return REPORT_ROM_SESSION_RAM + page_round(report_size);
}
