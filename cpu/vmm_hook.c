/* The translator's VMM entry (helper_vmm): every instruction the class table
 * (translate/x86_ops.def) does not mark SAFE starts with this call, the
 * "trap" of trap-and-emulate; the hook counts and records it. */
#include "cpu.h"
#include "helpers.h"

uint32_t helper_vmm(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    if (cpu->vmm_ops)
        cpu->vmm_ops->trap(cpu->vmm_opaque, cpu, imm);
    return 0;
}
