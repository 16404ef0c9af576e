// bytecode-vm: a bytecode interpreter whose dispatch function (one switch over 262 opcodes) is a
// large Wasm function (about 19 KB) that Chicory still compiles to one JVM method. Runs a
// generated 2048-instruction program n times (QUERY_STRING "n=", default 1): about 2,000 VM
// instructions and 713,000 Wasm instructions per n. See vm.h.
#define VM_VARIANTS 256
#define VM_STAGES 3
#include "vm.h"
