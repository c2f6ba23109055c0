/* Guest memory access as the CPU sees it: segment checks, linear -> physical
 * (paging through the TLB, cpu/mmu.h), then the bus. Faults raise guest
 * exceptions (#GP/#SS for segments, #PF with CR2 for pages). */
#ifndef TD_MEM_H
#define TD_MEM_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* Read/write size bytes (1, 2 or 4) at seg:offset. Checks the segment limit
 * (offset + size - 1 <= limit, SDM vol. 3 5.3; in real mode the limit is 0xFFFF
 * and a straddling access raises #GP(0), or #SS(0) for SS). */
uint32_t cpu_read(struct cpu *cpu, int seg, uint32_t offset, unsigned size);
void cpu_write(struct cpu *cpu, int seg, uint32_t offset, unsigned size, uint32_t value);

/* Check that a write of size bytes at seg:offset would succeed (segment and
 * page), raising the fault it would take, without writing. */
void cpu_check_write(struct cpu *cpu, int seg, uint32_t offset, unsigned size);

/* Linear accesses (no segment check) at supervisor privilege: descriptor
 * tables, the TSS, the IVT (SDM vol. 3 5.6: implicit supervisor accesses). */
uint32_t cpu_read_linear(struct cpu *cpu, uint32_t laddr, unsigned size);
void cpu_write_linear(struct cpu *cpu, uint32_t laddr, unsigned size, uint32_t value);
/* Linear accesses whose paging check is at user privilege when user is set. */
uint32_t cpu_read_linear_priv(struct cpu *cpu, uint32_t laddr, unsigned size, bool user);
void cpu_write_linear_priv(struct cpu *cpu, uint32_t laddr, unsigned size, uint32_t value,
                           bool user);

/* Linear -> physical for an instruction fetch at the CPL (A20 applied).
 * Raises #PF on a fault. */
uint32_t cpu_translate_code(struct cpu *cpu, uint32_t laddr);
/* The same without raising: false when the fetch would fault. */
bool cpu_probe_code(struct cpu *cpu, uint32_t laddr, uint32_t *paddr);

/* Push/pop on SS:(E)SP with the stack size of the current SS. size 2 or 4. */
void cpu_push(struct cpu *cpu, unsigned size, uint32_t value);
uint32_t cpu_pop(struct cpu *cpu, unsigned size);

#endif
