/*
 * \brief  Client stubs of the ROM session, generated from its declaration
 */
#include <nest/session/rom.h>

NEST_RPC_CLIENT(rom, ROM_INTERFACE)
