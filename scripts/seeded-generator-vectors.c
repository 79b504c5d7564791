// SPDX-License-Identifier: GPL-3.0-or-later
// Prints the reference streams pinned in Tests/TensorCoreTests/SeededGeneratorTests.swift,
// computed outside the Swift code base from the published algorithm descriptions:
// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014; Vigna's splitmix64.c) and xoshiro256**
// (Blackman & Vigna, ACM TOMS 47, 2021). It also prints the two published vectors
// (rand_xoshiro's `reference` tests) so a reader can see that it reproduces them.
//
//     cc -O2 -o /tmp/vectors scripts/seeded-generator-vectors.c && /tmp/vectors
#include <stdint.h>
#include <stdio.h>

static uint64_t splitmix_state;
static uint64_t splitmix64(void) {
    uint64_t z = (splitmix_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t s[4];
static uint64_t rotate_left(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t xoshiro256starstar(void) {
    const uint64_t result = rotate_left(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotate_left(s[3], 45);
    return result;
}

int main(void) {
    splitmix_state = 1477776061723855037ULL;
    printf("SplitMix64, seed 1477776061723855037 (published):");
    for (int i = 0; i < 4; i++) printf(" %llu", (unsigned long long)splitmix64());
    s[0] = 1; s[1] = 2; s[2] = 3; s[3] = 4;
    printf("\nxoshiro256**, state (1, 2, 3, 4) (published):");
    for (int i = 0; i < 10; i++) printf(" %llu", (unsigned long long)xoshiro256starstar());
    splitmix_state = 42;
    for (int i = 0; i < 4; i++) s[i] = splitmix64();
    printf("\nSeededGenerator(seed: 42):");
    for (int i = 0; i < 5; i++) printf(" 0x%016llX", (unsigned long long)xoshiro256starstar());
    printf("\n");
    return 0;
}
