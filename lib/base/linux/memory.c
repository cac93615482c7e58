/*
 * \brief  Linux mapping of dataspaces (shared mappings of memfds), futexes, time
 *
 * Only shared mappings of dataspaces are made here, so every page a
 * component uses for its heap or stacks belongs to a dataspace that core
 * charged to the component's RAM quota.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <nest/platform.h>

static enum nest_error map_error(int err)
{
	if (err == EBADF || err == ENODEV)
		return NEST_ERR_INVALID_CAP;
	if (err == EACCES || err == EPERM)      /* read-only: a ROM */
		return NEST_ERR_DENIED;
	return err == ENOMEM ? NEST_ERR_OUT_OF_RAM : NEST_ERR_INVALID_ARGS;
}

static int prot_of(bool writable, bool executable)
{
	return PROT_READ | (writable ? PROT_WRITE : 0) | (executable ? PROT_EXEC : 0);
}

enum nest_error plat_map(int dataspace, size_t size, size_t offset, bool writable,
                         bool executable, void **addr)
{
	void *ptr = mmap(NULL, size, prot_of(writable, executable), MAP_SHARED, dataspace,
	                 (off_t)offset);
	if (ptr == MAP_FAILED)
		return map_error(errno);
	*addr = ptr;
	return NEST_OK;
}

enum nest_error plat_map_at(int dataspace, size_t size, size_t offset, bool writable,
                            bool executable, void *addr)
{
	void *ptr = mmap(addr, size, prot_of(writable, executable), MAP_SHARED | MAP_FIXED_NOREPLACE,
	                 dataspace, (off_t)offset);
	if (ptr == MAP_FAILED)
		return errno == EEXIST ? NEST_ERR_DENIED : map_error(errno);
	if (ptr != addr) {                      /* a kernel older than MAP_FIXED_NOREPLACE */
		munmap(ptr, size);
		return NEST_ERR_DENIED;
	}
	return NEST_OK;
}

void plat_unmap(void *addr, size_t size)
{
	munmap(addr, size);
}

size_t plat_page_size(void)
{
	return 4096;
}

uint64_t plat_time_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void plat_sleep_us(uint64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000u), (long)(us % 1000000u) * 1000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void plat_wait_on(_Atomic uint32_t *word, uint32_t expected)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

void plat_wake(_Atomic uint32_t *word, unsigned count)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
}

void plat_yield(void)
{
	sched_yield();
}

_Noreturn void plat_exit(int code)
{
	_exit(code);
}

void plat_console_write(const char *text, size_t len)
{
	while (len) {
		ssize_t ret = write(1, text, len);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			return;
		text += ret;
		len  -= (size_t)ret;
	}
}
