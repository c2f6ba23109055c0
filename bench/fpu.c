/* The x87 workload of fpu.asm in C for the native ratio: the same recurrence
 * over 64 doubles, computed in long double (the host's x87 on x86-64; build
 * with -fno-math-errno so sqrtl and lrintl become FSQRT and FISTP). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double table[64];

int main(int argc, char **argv)
{
    unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
    unsigned idx = 0;
    double sum = 0;

    for (unsigned i = 0; i < 64; i++)
        table[i] = i * 0.25;
    for (unsigned long n = 0; n < iters; n++) {
        long double t = table[idx & 63];
        long double s = sqrtl(t * t * 0.5L + 1.0L);
        long k = lrintl(t);
        t = s + t * 0.25L - (long double)k / 3.0L;
        if (!(t < 4.0L))
            t *= 0.5L;
        table[idx & 63] = (double)t;
        idx += 5;
    }
    for (unsigned i = 0; i < 64; i++)
        sum += table[i];
    printf("%.17g\n", sum);
    return 0;
}
