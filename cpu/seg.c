/* Segment register loads by MOV, POP and LDS/LES/LFS/LGS/LSS. Real mode per
 * SDM vol. 3 20.1.1 (base = selector * 16); protected-mode descriptor checks
 * (vol. 3 5.4-5.6) are a later issue. */
#include <assert.h>

#include "cpu.h"
#include "helpers.h"
#include "log.h"

uint32_t helper_load_seg(struct cpu *cpu, uint32_t a, uint32_t b, uint32_t c, uint32_t imm)
{
    int seg = (int)imm;

    /* CS changes only through far transfers (far.c) and interrupts */
    assert(seg >= 0 && seg < SEG_COUNT && seg != SEG_CS);
    if (cpu->cr[0] & CR0_PE) {
        log_printf(cpu->log, LOG_UNIMP, "load_seg: protected-mode segment loads not implemented\n");
        cpu_raise_exception(cpu, EXC_UD, -1);
    }
    cpu_load_seg_real(cpu, seg, (uint16_t)a);
    /* SDM vol. 2 MOV: a load of SS holds off interrupts until after the next
     * instruction, so SS:SP can be set by a MOV SS / MOV SP pair */
    if (seg == SEG_SS)
        cpu->inhibit_irq = true;
    cpu_update_mode(cpu);
    return 0;
}
