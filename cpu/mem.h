/* Guest memory access as the CPU sees it: segment checks, linear -> physical
 * (paging comes later), then the bus. Faults raise guest exceptions. */
#ifndef TD_MEM_H
#define TD_MEM_H

#include <stdint.h>

struct cpu;

/* Read/write size bytes (1, 2 or 4) at seg:offset. Checks the segment limit
 * (offset + size - 1 <= limit, SDM vol. 3 5.3; in real mode the limit is 0xFFFF
 * and a straddling access raises #GP(0), or #SS(0) for SS). */
uint32_t cpu_read(struct cpu *cpu, int seg, uint32_t offset, unsigned size);
void cpu_write(struct cpu *cpu, int seg, uint32_t offset, unsigned size, uint32_t value);

/* Linear accesses (no segment check). */
uint32_t cpu_read_linear(struct cpu *cpu, uint32_t laddr, unsigned size);
void cpu_write_linear(struct cpu *cpu, uint32_t laddr, unsigned size, uint32_t value);

/* Linear -> physical for an instruction fetch (A20 applied). Raises on a fault. */
uint32_t cpu_translate_code(struct cpu *cpu, uint32_t laddr);

/* Push/pop on SS:(E)SP with the stack size of the current SS. size 2 or 4. */
void cpu_push(struct cpu *cpu, unsigned size, uint32_t value);
uint32_t cpu_pop(struct cpu *cpu, unsigned size);

#endif
