/*
 * \brief  Error values returned by every Nest operation
 *
 * Errors are values: each function that can fail returns an enum nest_error
 * that the caller must look at. The same values travel in RPC replies, so a
 * server's refusal reaches the client unchanged.
 */
#ifndef NEST_ERROR_H
#define NEST_ERROR_H

enum nest_error {
	NEST_OK = 0,
	NEST_ERR_INVALID_CAP,      /* forged, stale, revoked or closed capability */
	NEST_ERR_INVALID_ARGS,     /* malformed message or argument out of range */
	NEST_ERR_DENIED,           /* policy refuses the request */
	NEST_ERR_NOT_FOUND,        /* no such service, module, object or node */
	NEST_ERR_OUT_OF_RAM,       /* RAM quota exhausted */
	NEST_ERR_OUT_OF_CAPS,      /* capability quota exhausted */
	NEST_ERR_INSUFFICIENT_RAM_QUOTA, /* session request donated too little RAM */
	NEST_ERR_INSUFFICIENT_CAP_QUOTA, /* session request donated too few caps */
	NEST_ERR_MSG_TOO_LARGE,    /* arguments exceed the message limit */
	NEST_ERR_UNAVAILABLE,      /* service exists but cannot serve now */
	NEST_ERR_EXISTS,           /* object or name is already present */
	NEST_ERR_SYNTAX,           /* malformed text (XML, session arguments) */
	NEST_ERR_IO,               /* the host refused an operation */
	NEST_ERR_WRONG_INTERFACE,  /* the capability names an object of another interface */
	NEST_ERR_COUNT
};

/* short lower-case name of an error, for log messages */
const char *nest_error_name(enum nest_error error);

#endif
