/*
 * \brief  Synchronous RPC inside one thread, for the init fuzz target
 *
 * Init calls core and its parent synchronously: nest_client_call() waits
 * for the reply. In the fuzz target they run in init's own thread, where
 * such a wait would never end, so the target is linked with
 * -Wl,--wrap=nest_client_call and fake_transport.c serves each synchronous
 * call the way the kernel and the server's entrypoint would: the server's
 * dispatch gets its own copies of the request's capabilities, and the client
 * gets its own copies of the reply's. Asynchronous calls (init calling its
 * children's roots) go through lib/base/client.c unchanged, on real sockets.
 *
 * A synchronous call that would wait forever is a violated invariant: on
 * a server that does not answer, on a capability nobody serves, on init
 * itself. One with a timeout (init calling a root) gives up, as it would.
 */
#ifndef NEST_FUZZ_FAKE_TRANSPORT_H
#define NEST_FUZZ_FAKE_TRANSPORT_H

#include <nest/entrypoint.h>

struct fake_transport {
	struct nest_entrypoint *servers;   /* whose objects are called synchronously */
	struct nest_entrypoint *caller;    /* the caller's own, never called so */
	/* false for an object whose server would not answer now */
	bool (*answers)(const struct nest_rpc_object *object);
};

extern struct fake_transport fake_transport;

#endif
