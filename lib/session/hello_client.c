/*
 * \brief  Client stubs of the Hello session and its counter objects
 */
#include <nest/session/hello.h>

NEST_RPC_CLIENT(hello, HELLO_INTERFACE)
NEST_RPC_CLIENT(counter, COUNTER_INTERFACE)
