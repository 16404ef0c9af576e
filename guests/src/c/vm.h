// Shared by bytecode-vm and bytecode-vm-huge: a register-machine bytecode interpreter whose
// dispatch function is one big switch, the shape of the hot loop of real language runtimes
// (.NET, Go, Python). The includer defines VM_VARIANTS (number of arithmetic opcodes, each with
// its own code) and VM_STAGES (primitive operations per arithmetic opcode), which set the size
// of the dispatch function.
//
// The guest generates a program of PROGRAM_LENGTH instructions from a fixed seed (arithmetic,
// loads and stores, forward conditional jumps, calls to an out-of-line helper), runs it n times
// (n from QUERY_STRING "n=", default 1, 0..100000) and prints a checksum of the registers and
// memory and the number of VM instructions executed. Bad n: message on stderr, exit code 2.
#ifndef GUESTS_VM_H
#define GUESTS_VM_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "query.h"

#define PROGRAM_LENGTH 2048
#define MEMORY_WORDS 1024
#define MAX_N 100000

// Instruction word: opcode (11 bits) | a (4) | b (4) | c (4) | imm (9).
#define OP(w) ((w) & 0x7ffu)
#define RA(w) (((w) >> 11) & 15u)
#define RB(w) (((w) >> 15) & 15u)
#define RC(w) (((w) >> 19) & 15u)
#define IMM(w) ((w) >> 23)

enum {
  OP_HALT,
  OP_LOOP,   // r15 -= 1; if r15 != 0 jump to 0
  OP_JZ,     // if (r[c] & 1) == 0 skip imm instructions
  OP_LOAD,   // r[a] = mem[(r[b] + imm) % MEMORY_WORDS]
  OP_STORE,  // mem[(r[b] + imm) % MEMORY_WORDS] = r[c]
  OP_HELPER, // r[a] = helper(r[b], r[c], imm)
  OP_FIRST_VARIANT
};

static inline uint32_t rotl(uint32_t x, unsigned k) {
  k &= 31;
  return (x << k) | (x >> ((32 - k) & 31));
}

// One primitive operation, chosen by a constant d so that it folds into straight code.
__attribute__((always_inline)) static inline uint32_t stage(unsigned d, uint32_t x, uint32_t k) {
  switch (d & 7) {
    case 0: return x + k * 2654435761u;
    case 1: return x ^ (x >> ((k & 15) | 1));
    case 2: return x * (k * 2u + 1u);
    case 3: return rotl(x, k + 7);
    case 4: return x - (x << ((k & 7) + 1));
    case 5: return ~x + k * 40503u;
    case 6: return x < k * 97u ? x + 13u : x - k;
    default: return (x & 0xffffu) * (x >> 16) + k;
  }
}

// Arithmetic opcode v: VM_STAGES primitive operations picked by the octal digits of v.
__attribute__((always_inline)) static inline uint32_t variant(unsigned v, uint32_t x) {
  unsigned digits = v;
  for (int s = 0; s < VM_STAGES; s++) {
    x = stage(digits, x, v + (unsigned)s);
    digits >>= 3;
  }
  return x;
}

__attribute__((noinline)) static uint32_t helper(uint32_t x, uint32_t y, uint32_t rounds) {
  for (uint32_t i = 0; i <= (rounds & 7); i++) {
    x = rotl(x ^ y, 5) * 0x9e3779b9u + i;
  }
  return x;
}

#define V1(v)                                                 \
  case OP_FIRST_VARIANT + (v):                                \
    if ((v) < VM_VARIANTS) r[a] = variant((v), r[b] ^ r[c]); \
    break;
#define V4(v) V1(v) V1((v) + 1) V1((v) + 2) V1((v) + 3)
#define V16(v) V4(v) V4((v) + 4) V4((v) + 8) V4((v) + 12)
#define V64(v) V16(v) V16((v) + 16) V16((v) + 32) V16((v) + 48)
#define V256(v) V64(v) V64((v) + 64) V64((v) + 128) V64((v) + 192)
#define V1024(v) V256(v) V256((v) + 256) V256((v) + 512) V256((v) + 768)

static uint32_t program[PROGRAM_LENGTH];
static uint32_t memory[MEMORY_WORDS];

// The dispatch loop: returns the number of VM instructions executed.
__attribute__((noinline)) static uint64_t run(uint32_t r[16]) {
  uint64_t executed = 0;
  uint32_t pc = 0;
  for (;;) {
    uint32_t w = program[pc++];
    unsigned a = RA(w), b = RB(w), c = RC(w);
    executed++;
    switch (OP(w)) {
      case OP_HALT:
        return executed;
      case OP_LOOP:
        if (--r[15] != 0) pc = 0;
        break;
      case OP_JZ:
        if ((r[c] & 1) == 0) pc += IMM(w);
        break;
      case OP_LOAD:
        r[a] = memory[(r[b] + IMM(w)) % MEMORY_WORDS];
        break;
      case OP_STORE:
        memory[(r[b] + IMM(w)) % MEMORY_WORDS] = r[c];
        break;
      case OP_HELPER:
        r[a] = helper(r[b], r[c], IMM(w));
        break;
#if VM_VARIANTS <= 1024
      V1024(0)
#else
#error "VM_VARIANTS above 1024"
#endif
      default:
        r[a] ^= w;
        break;
    }
  }
}

static uint32_t next_random(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state >> 8;
}

static uint32_t word(uint32_t op, uint32_t a, uint32_t b, uint32_t c, uint32_t imm) {
  return op | a << 11 | b << 15 | c << 19 | imm << 23;
}

// A program over all opcodes; r15 is the iteration counter, only OP_LOOP writes it.
static void generate(void) {
  uint32_t seed = 12345;
  for (uint32_t i = 0; i < PROGRAM_LENGTH - 2; i++) {
    uint32_t x = next_random(&seed);
    uint32_t a = x % 15, b = (x >> 4) & 15, c = (x >> 8) & 15;
    uint32_t kind = (x >> 12) % 32;
    uint32_t op;
    uint32_t imm = (x >> 17) & 511;
    if (kind == 0 && i + 4 < PROGRAM_LENGTH - 2) {
      op = OP_JZ;
      imm = 1 + imm % 3;
    } else if (kind == 1) {
      op = OP_LOAD;
    } else if (kind == 2) {
      op = OP_STORE;
    } else if (kind == 3) {
      op = OP_HELPER;
    } else {
      op = OP_FIRST_VARIANT + next_random(&seed) % VM_VARIANTS;
    }
    program[i] = word(op, a, b, c, imm);
  }
  program[PROGRAM_LENGTH - 2] = word(OP_LOOP, 0, 0, 0, 0);
  program[PROGRAM_LENGTH - 1] = word(OP_HALT, 0, 0, 0, 0);
}

int main(void) {
  uint64_t n = 1;
  enum query_result found = query_uint("n", MAX_N, &n);
  if (found == QUERY_BAD) {
    fputs("bytecode-vm: n must be a whole number from 0 to 100000\n", stderr);
    return 2;
  }
  generate();
  uint32_t r[16];
  for (uint32_t i = 0; i < 15; i++) r[i] = i * 0x01000193u + 1;
  r[15] = (uint32_t)n;
  uint64_t executed = n == 0 ? 0 : run(r);
  uint32_t sum = 0;
  for (uint32_t i = 0; i < 15; i++) sum = rotl(sum, 3) ^ r[i];
  for (uint32_t i = 0; i < MEMORY_WORDS; i++) sum = rotl(sum, 1) + memory[i];
  printf("checksum %08" PRIx32 " after %" PRIu64 " instructions\n", sum, executed);
  return 0;
}

#endif
