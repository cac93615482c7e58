/*
 * \brief  Wire constants shared by the client and the entrypoint
 */
#ifndef NEST_RPC_WIRE_H
#define NEST_RPC_WIRE_H

enum {
	NEST_WIRE_BIND         = 0x444e4942,  /* "BIND": a channel end follows */
	NEST_WIRE_MAX_CHANNELS = 64,          /* per RPC object, bounds a flooding client */
};

#endif
