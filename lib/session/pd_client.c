/*
 * \brief  Client stubs of the PD session, generated from its declaration
 */
#include <nest/session/pd.h>

NEST_RPC_CLIENT(pd, PD_INTERFACE)
