/* Hardware task switching and the TSS (Intel SDM vol. 3 ch. 7), and the
 * protected-mode interrupt delivery that uses it (idt.c). Internal to cpu/. */
#ifndef TD_TASK_H
#define TD_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "desc.h"

/* What started a task switch (SDM vol. 3 table 7-2: busy bit, NT, link). */
enum task_reason { TASK_JMP, TASK_CALL, TASK_INT, TASK_IRET };

/* Switch to the task whose TSS descriptor d (selector sel) the caller has
 * type- and present-checked. next_eip is the EIP saved in the old TSS. The
 * new task's segment checks raise in the new task's context. */
void task_switch(struct cpu *cpu, uint16_t sel, struct desc *d, enum task_reason why,
                 uint32_t next_eip);

/* After a task switch has completed (an exception's error code pushed): the
 * debug trap of the new TSS's T flag, #DB with DR6.BT. */
void task_debug_trap(struct cpu *cpu);

/* Read SS:ESP for privilege level dpl from the current TSS (16- or 32-bit),
 * #TS(TR) when it lies past the TSS limit (SDM vol. 3 6.12.1). */
void tss_inner_stack(struct cpu *cpu, unsigned dpl, uint16_t *ss, uint32_t *esp);

/* I/O permission for size bytes at port (io.c): #GP(0) when CPL > IOPL or in
 * v86 mode and the TSS bitmap does not allow every port (SDM vol. 3 19.5). */
void cpu_io_check(struct cpu *cpu, uint16_t port, unsigned size);

/* Is the TSS descriptor type a 32-bit one? */
static inline bool tss_is32(unsigned type)
{
    return type & 8;
}

/* Kinds of event (interrupt.c, idt.c): software INT n/INT3/INTO check the
 * gate DPL; exceptions and external interrupts set EXT in error codes. */
enum int_kind { INT_EXCEPTION, INT_SOFTWARE, INT_EXTERNAL };

/* Deliver through the IDT in protected or virtual-8086 mode (idt.c). error
 * is pushed when >= 0. */
void idt_deliver(struct cpu *cpu, int vector, int32_t error, uint32_t return_eip,
                 enum int_kind kind);

/* Virtual-8086 software interrupt INT n (n = vector) with CR4.VME: through
 * the TSS redirection bitmap to the v86 IVT, or to idt_deliver, or #GP(0)
 * (SDM vol. 3 20.3.3, table 20-2). */
void v86_int(struct cpu *cpu, int vector, uint32_t return_eip);

#endif
