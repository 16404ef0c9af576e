// bytecode-vm-huge: bytecode-vm with 1030 opcodes, so that its dispatch function (about 66 KB of
// Wasm) is too large for one JVM method and Chicory runs it in its interpreter, fuel-metered
// like everything else. See vm.h.
#define VM_VARIANTS 1024
#define VM_STAGES 3
#include "vm.h"
