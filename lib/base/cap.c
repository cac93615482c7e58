/*
 * \brief  Operations on capabilities that every component needs
 */
#include <nest/cap.h>
#include <nest/platform.h>

enum nest_error nest_cap_ident(struct nest_cap cap, uint64_t *ident)
{
	if (!nest_cap_valid(cap))
		return NEST_ERR_INVALID_CAP;
	return plat_ident(nest_cap_handle(cap), ident);
}

bool nest_cap_same(struct nest_cap a, struct nest_cap b)
{
	uint64_t ia, ib;
	return nest_cap_ident(a, &ia) == NEST_OK && nest_cap_ident(b, &ib) == NEST_OK && ia == ib;
}

enum nest_error nest_cap_copy(struct nest_cap cap, struct nest_cap *copy)
{
	int handle;
	enum nest_error err;
	if (!nest_cap_valid(cap))
		return NEST_ERR_INVALID_CAP;
	err = plat_dup(nest_cap_handle(cap), &handle);
	*copy = err ? NEST_CAP_INVALID : nest_cap_from_handle(handle);
	return err;
}

void nest_cap_release(struct nest_cap *cap)
{
	if (nest_cap_valid(*cap))
		plat_close(nest_cap_handle(*cap));
	*cap = NEST_CAP_INVALID;
}

enum nest_error nest_cap_replace(struct nest_cap *slot, struct nest_cap with)
{
	struct nest_cap copy = NEST_CAP_INVALID;
	enum nest_error err;

	if (nest_cap_valid(with) && (err = nest_cap_copy(with, &copy)))
		return err;                    /* the old one stays */
	nest_cap_release(slot);
	*slot = copy;
	return NEST_OK;
}
