/*
 * \brief  Client stubs of the Relay session
 */
#include <nest/session/relay.h>

NEST_RPC_CLIENT(relay, RELAY_INTERFACE)
