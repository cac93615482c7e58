/*
 * \brief  The client side of RPC for a fuzz target that hosts the servers it calls
 *
 * A handler fuzz target plays the clients of core or init in the servers'
 * own thread, so it cannot wait for a reply the way lib/base/client.c does.
 * A call here goes the way a client's call goes: a fresh channel is bound
 * through the capability, the request travels on it with its capabilities
 * (SCM_RIGHTS), and the server's entrypoint takes both as it takes any
 * client's. The caller then runs the entrypoints until the reply is there
 * or none of them has anything left to do: then the server deferred its
 * reply (init does, while a child server works on a session), and the
 * caller takes it later. A capability nobody serves (a socket the target
 * made itself) leaves the call unanswered, as it would leave a client
 * waiting; a dead or non-socket capability fails at once, as it would.
 */
#ifndef NEST_FUZZ_CALLER_H
#define NEST_FUZZ_CALLER_H

#include <nest/entrypoint.h>

enum { CALLER_MAX_EPS = 2 };

struct caller {
	struct nest_entrypoint *eps[CALLER_MAX_EPS];   /* of the servers in this process */
	unsigned                ep_count;
};

struct call {
	int             channel;   /* open while the reply is awaited, else -1 */
	enum nest_error status;    /* once answered: the reply's status, or why none came */
	struct nest_msg reply;     /* once answered with NEST_OK: its values and the caller's
	                              own copies of its capabilities */
};

/* handle events of the entrypoints until none has any; false if there was none */
bool caller_run(struct caller *caller);

/* send request (its capabilities are lent) to cap and run the entrypoints
 * until the reply is in call; false if it did not come (deferred, or
 * nobody serves cap), then call->channel waits for it */
bool caller_call(struct caller *caller, struct nest_cap cap, struct nest_msg *request,
                 struct call *call);

/* take the reply of a call that waited, if it has come; true once answered */
bool caller_take_reply(struct call *call);

/* the client stops waiting (its process ends): the channel closes, and
 * what the reply brought is released */
void caller_abandon(struct call *call);

#endif
