/* Debug-register breakpoints (DR0-DR3, DR6, DR7): instruction breakpoints
 * are faults checked before each instruction, data breakpoints traps taken
 * before the next one. Intel SDM vol. 3 17.2-17.3. While any breakpoint is
 * enabled (MODE_DEBUG) blocks are one instruction long and never chained,
 * so the execution loop sees every instruction boundary. */
#ifndef TD_DEBUG_H
#define TD_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* DR7 enable bits L0 G0 .. L3 G3. */
enum { DR7_ENABLES = 0xFF };

/* A data access of size bytes at laddr: record write (RW=01) and
 * read/write (RW=11) breakpoint hits in cpu->dr6_pending. */
void debug_check_data(struct cpu *cpu, uint32_t laddr, unsigned size, bool write);

/* An I/O access of size bytes at port: with CR4.DE, record I/O breakpoint
 * (RW=10) hits in cpu->dr6_pending, delivered as a trap before the next
 * instruction like data breakpoints. */
void debug_check_io(struct cpu *cpu, uint16_t port, unsigned size);

/* Before the instruction at CS:EIP: deliver the data breakpoint trap of the
 * previous instruction, then check instruction breakpoints (skipped once
 * when EFLAGS.RF is set, which this clears). Raises #DB. */
void cpu_debug_before_insn(struct cpu *cpu);

#endif
