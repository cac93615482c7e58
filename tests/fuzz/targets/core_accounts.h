/*
 * \brief  The invariants of core's PD accounts, for the handler fuzz targets
 */
#ifndef NEST_FUZZ_CORE_ACCOUNTS_H
#define NEST_FUZZ_CORE_ACCOUNTS_H

#include "core/core.h"

/* each PD uses no more than its quota and counts exactly what it holds
 * (its dataspaces, its binary's data, its objects), and its object is
 * core's; adds their quotas to ram and caps, for the caller's sum */
void core_accounts_check(struct core *core, unsigned __int128 *ram, unsigned __int128 *caps);

#endif
