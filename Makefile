# Nest: build, run, test, benchmark. `make run` boots the default scenario,
# `make test` builds and runs every test. See README.md.

CC      := gcc
BUILD   := build
WARN    := -Wall -Wextra -Werror
CFLAGS  := -std=gnu11 $(WARN) -O2 -g -Iinclude -I.
SANFLAGS := -std=gnu11 $(WARN) -O1 -g -Iinclude -I. \
            -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# platform-independent library and the Linux platform layer
BASE_SRC    := $(filter-out %_test.c,$(wildcard lib/base/*.c lib/base/linux/*.c lib/session/*.c))
# the component runtime: startup, sandbox tightening, heap as malloc
RUNTIME_SRC := $(filter-out %_test.c,$(wildcard lib/component/*.c lib/component/linux/*.c))
CORE_SRC    := $(filter-out %_test.c,$(wildcard core/*.c core/linux/*.c))
INIT_SRC    := $(filter-out %_test.c,$(wildcard init/*.c))
# init's sandbox library, also linked into components that host children
SANDBOX_SRC := $(filter-out %_test.c,$(wildcard init/sandbox/*.c))

# every folder under apps/, drivers/, servers/, runtimes/, tests/ and bench/ with C
# files is a component of that name
COMPONENT_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard apps/*/*.c drivers/*/*.c servers/*/*.c runtimes/*/*.c tests/*/*.c bench/*/*.c))))
COMPONENTS     := $(notdir $(COMPONENT_DIRS)) init
# every folder under tools/ is a host tool of that name, an ordinary Linux program
TOOL_DIRS      := $(patsubst %/,%,$(sort $(dir $(wildcard tools/*/*.c))))
TOOLS          := $(notdir $(TOOL_DIRS))
UNIT_TESTS     := $(wildcard lib/*/*_test.c lib/*/*/*_test.c core/*_test.c core/*/*_test.c init/*_test.c \
                             init/*/*_test.c \
                             tools/*/*_test.c)

obj      = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
obj_san  = $(patsubst %.c,$(BUILD)/obj-san/%.o,$(1))

BASE_OBJ    := $(call obj,$(BASE_SRC))
RUNTIME_OBJ := $(call obj,$(RUNTIME_SRC))

.PHONY: all san run test test-init bench loc deps clean unit-tests components
all: deps $(BUILD)/bin/core $(addprefix $(BUILD)/bin/,$(COMPONENTS) $(TOOLS)) unit-tests

deps:
	@scripts/deps build

# quiet by default; make V=1 shows the commands
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj-san/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC san  $<")
	$(Q)$(CC) $(SANFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/lib/libnest_base.a: $(BASE_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/lib/libnest_base_san.a: $(call obj_san,$(BASE_SRC))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/lib/libnest_runtime.a: $(RUNTIME_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/lib/libnest_sandbox.a: $(call obj,$(SANDBOX_SRC))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

COMPONENT_LIBS := $(BUILD)/lib/libnest_sandbox.a $(BUILD)/lib/libnest_runtime.a $(BUILD)/lib/libnest_base.a

$(BUILD)/bin/core: $(call obj,$(CORE_SRC)) $(BUILD)/lib/libnest_base.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^

# components are static: they are exec'd from a memfd into an empty root
COMPONENT_LDFLAGS := -static -Wl,--gc-sections
# a component's own link flags, LDFLAGS_<name>: posix_run's text lies clear of
# the program it runs beside it, which is linked at 0x400000, and its entry
# answers the calls its trapping filter refuses before the C library starts
# (runtimes/posix_run)
LDFLAGS_posix_run := -Wl,-Ttext-segment=0x70000000 -Wl,--entry=posix_start
define component_rule
$(BUILD)/bin/$(notdir $(1)): $(call obj,$(wildcard $(1)/*.c)) $(COMPONENT_LIBS)
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  LD      $$@")
	$(Q)$(CC) $(CFLAGS) $(COMPONENT_LDFLAGS) $(LDFLAGS_$(notdir $(1))) -o $$@ $$(filter %.o,$$^) -Wl,--start-group $(COMPONENT_LIBS) -Wl,--end-group
endef
$(foreach d,$(COMPONENT_DIRS),$(eval $(call component_rule,$(d))))

# host tools run on the host beside core: dynamically linked, the library for XML
define tool_rule
$(BUILD)/bin/$(notdir $(1)): $(call obj,$(filter-out %_test.c,$(wildcard $(1)/*.c))) $(BUILD)/lib/libnest_base.a
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  LD      $$@")
	$(Q)$(CC) $(CFLAGS) -o $$@ $$^
endef
$(foreach d,$(TOOL_DIRS),$(eval $(call tool_rule,$(d))))

$(BUILD)/bin/init: $(call obj,$(INIT_SRC)) $(COMPONENT_LIBS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(COMPONENT_LDFLAGS) -o $@ $(filter %.o,$^) -Wl,--start-group $(COMPONENT_LIBS) -Wl,--end-group

# unit tests: each *_test.c links with the library (and core's, init's or its
# tool's objects if it lives there), built once plain and once with ASan and UBSan
test_deps = $(filter-out $(1),$(if $(filter core/%,$(1)),$(filter-out core/main.c,$(CORE_SRC)) ,)$(if $(filter init/%,$(1)),$(SANDBOX_SRC),)$(if $(filter tools/%,$(1)),$(filter-out %/main.c %_test.c,$(wildcard $(dir $(1))*.c)),))
define unit_rule
$(BUILD)/test/$(basename $(notdir $(1))): $(call obj,$(1) $(call test_deps,$(1))) $(BUILD)/lib/libnest_base.a
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  LD      $$@")
	$(Q)$(CC) $(CFLAGS) -o $$@ $$^
$(BUILD)/test-san/$(basename $(notdir $(1))): $(call obj_san,$(1) $(call test_deps,$(1))) $(BUILD)/lib/libnest_base_san.a
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  LD      $$@")
	$(Q)$(CC) $(SANFLAGS) -o $$@ $$^
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))
UNIT_BINS := $(foreach t,$(UNIT_TESTS),$(BUILD)/test/$(basename $(notdir $(t))) $(BUILD)/test-san/$(basename $(notdir $(t))))

unit-tests: $(UNIT_BINS)

# the sanitized system: core, init and every component built with ASan and
# UBSan into build/san/bin, from the objects of build/obj-san; `make test`
# boots every scenario and test-init script with it once more
# (scripts/run_scenario --sanitized).
# Core is an ordinary ASan program (LeakSanitizer at its exit). Components
# cannot link ASan statically, so theirs are dynamic programs whose loader and
# sanitizer runtimes core shows them, read-only, in the root of a sandbox
# relaxed for exactly that (core --sanitized DIR; see docs/mechanisms.md);
# the loader's own directory is DIR.
SAN_BIN     := $(BUILD)/san/bin
SAN_LOADER  := $(realpath $(shell $(CC) -print-file-name=ld-linux-x86-64.so.2))
SAN_LIBDIR  := $(patsubst %/,%,$(dir $(SAN_LOADER)))
# the options are one object of every component: nothing refers to them, the
# sanitizer runtimes look them up
SAN_OPTIONS_OBJ := $(call obj_san,lib/component/linux/sanitizer/options.c)
SAN_COMPONENT_LIBS := $(BUILD)/lib/libnest_sandbox_san.a $(BUILD)/lib/libnest_runtime_san.a \
                      $(BUILD)/lib/libnest_base_san.a
SAN_COMPONENT_LDFLAGS := -Wl,--dynamic-linker=$(SAN_LOADER) -Wl,-rpath,$(SAN_LIBDIR) -Wl,--gc-sections

$(BUILD)/lib/libnest_runtime_san.a: $(call obj_san,$(RUNTIME_SRC))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/lib/libnest_sandbox_san.a: $(call obj_san,$(SANDBOX_SRC))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(SAN_BIN)/core: $(call obj_san,$(CORE_SRC)) $(BUILD)/lib/libnest_base_san.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD san  $@")
	$(Q)$(CC) $(SANFLAGS) -o $@ $^

define san_component_rule
$(SAN_BIN)/$(1): $(call obj_san,$(2)) $(SAN_OPTIONS_OBJ) $(SAN_COMPONENT_LIBS)
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  LD san  $$@")
	$$(if $(SAN_LOADER),,$$(error no ld-linux-x86-64.so.2 for the sanitized components))
	$(Q)$(CC) $(SANFLAGS) $(SAN_COMPONENT_LDFLAGS) -o $$@ $$(filter %.o,$$^) \
		-Wl,--start-group $(SAN_COMPONENT_LIBS) -Wl,--end-group
endef
$(foreach d,$(COMPONENT_DIRS),$(eval $(call san_component_rule,$(notdir $(d)),$(wildcard $(d)/*.c))))
$(eval $(call san_component_rule,init,$(INIT_SRC)))

san: deps $(SAN_BIN)/core $(addprefix $(SAN_BIN)/,$(COMPONENTS))

components: $(BUILD)/bin/core $(addprefix $(BUILD)/bin/,$(COMPONENTS))

# core writes reports (init's state, for `build/bin/nest top`) to build/run/reports;
# those of an earlier run, which may have been killed, go first
# the boot modules go to build/run/boot, which core watches: editing its
# config there reconfigures the running init
run: all
	rm -rf $(BUILD)/run/reports && mkdir -p $(BUILD)/run/reports
	@echo "Ctrl-C ends it; build/bin/nest top shows it live; edit $(BUILD)/run/boot/config to reconfigure it"
	scripts/run_scenario scenarios/default --interactive --boot-dir $(BUILD)/run/boot \
		--core-args "--report-dir $(abspath $(BUILD))/run/reports"

test: all san
	scripts/run_tests

# one test-init script in Genode's composition: make test-init SCRIPT=path
test-init: all
	scripts/test_init $(SCRIPT)

bench: all
	bench/run

loc:
	@scripts/loc

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
