/*
 * \brief  Client stubs of the RM session and of region maps
 */
#include <nest/session/rm.h>

NEST_RPC_CLIENT(rm, RM_INTERFACE)
NEST_RPC_CLIENT(region_map, REGION_MAP_INTERFACE)
