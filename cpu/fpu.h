/* x87 FPU state (SDM vol. 1 ch. 8). Filled in by the x87 work (issue 3). */
#ifndef TD_FPU_H
#define TD_FPU_H

#include <stdint.h>

struct fpu {
    /* control, status and tag words */
    uint16_t fcw, fsw, ftw;
};

#endif
