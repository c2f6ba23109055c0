/* The helper table, built once from cpu/helpers.def: name, function, flags and
 * description of every helper translated code may call. */
#include "helpers.h"

const struct helper_info helper_table[HELPER_COUNT] = {
#define HELPER(name, flags, desc) [HELPER_##name] = { #name, helper_##name, flags, desc },
#include "helpers.def"
#undef HELPER
};
