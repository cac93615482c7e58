/*
 * \brief  Names of error values for log messages
 */
#include <nest/error.h>

const char *nest_error_name(enum nest_error error)
{
	static const char *const names[NEST_ERR_COUNT] = {
		[NEST_OK]                         = "ok",
		[NEST_ERR_INVALID_CAP]            = "invalid capability",
		[NEST_ERR_INVALID_ARGS]           = "invalid arguments",
		[NEST_ERR_DENIED]                 = "denied",
		[NEST_ERR_NOT_FOUND]              = "not found",
		[NEST_ERR_OUT_OF_RAM]             = "out of RAM",
		[NEST_ERR_OUT_OF_CAPS]            = "out of caps",
		[NEST_ERR_INSUFFICIENT_RAM_QUOTA] = "insufficient RAM quota",
		[NEST_ERR_INSUFFICIENT_CAP_QUOTA] = "insufficient cap quota",
		[NEST_ERR_MSG_TOO_LARGE]          = "message too large",
		[NEST_ERR_UNAVAILABLE]            = "unavailable",
		[NEST_ERR_EXISTS]                 = "exists",
		[NEST_ERR_SYNTAX]                 = "syntax error",
		[NEST_ERR_IO]                     = "host I/O error",
		[NEST_ERR_WRONG_INTERFACE]        = "capability of another interface",
	};
	if ((unsigned)error >= NEST_ERR_COUNT)
		return "unknown error";
	return names[error];
}
