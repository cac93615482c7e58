/*
 * \brief  Wire constants shared by the client and the entrypoint
 */
#ifndef NEST_RPC_WIRE_H
#define NEST_RPC_WIRE_H

/*
 * An object has NEST_WIRE_CHANNELS channel slots, paid with the object. A
 * bind beyond them evicts the least recently used channel that has no call
 * in service: the server sends it NEST_WIRE_EVICTED instead of a reply and
 * closes it without reading further, so its client knows that a request it
 * may have sent was not served, binds anew and sends it again. Holders of
 * one capability can thus slow each other down, never lock each other out.
 */
enum {
	NEST_WIRE_BIND     = 0x444e4942,  /* "BIND": a channel end follows */
	NEST_WIRE_EVICTED  = 0x54434956,  /* "VICT": this channel is closed, unserved */
	NEST_WIRE_CHANNELS = 16,          /* per RPC object */
	NEST_WIRE_REBINDS  = 8,           /* a client gives up after as many evictions */
};

#endif
