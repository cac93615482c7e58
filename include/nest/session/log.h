/*
 * \brief  LOG session: line-oriented diagnostic output
 *
 * The server prefixes each line with the session's label, which every
 * parent on the way extended, so a line cannot pretend to come from
 * another component.
 */
#ifndef NEST_SESSION_LOG_H
#define NEST_SESSION_LOG_H

#include <nest/rpc.h>

#define LOG_WRITE(IN, OUT) IN(str, text)

#define LOG_INTERFACE(RPC) RPC(log, write, LOG_WRITE)

NEST_RPC_INTERFACE(log, LOG_INTERFACE)

#endif
