#include "CFastCRC.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

// x^(4*128+32) and x^(4*128-32) mod P, then x^(128+32) and x^(128-32) mod P, bit-reflected
// (P = the CRC-32 polynomial): multiplying a 128-bit lane's halves by them moves it 512 or
// 128 bits further along the message without changing the remainder.
#define FOLD4_LOW 0x154442bd4ULL
#define FOLD4_HIGH 0x1c6e41596ULL
#define FOLD1_LOW 0x1751997d0ULL
#define FOLD1_HIGH 0x0ccaa009eULL

__attribute__((target("pclmul,sse2")))
static inline __m128i fold(__m128i x, __m128i constants, __m128i next) {
    __m128i low = _mm_clmulepi64_si128(x, constants, 0x00);
    __m128i high = _mm_clmulepi64_si128(x, constants, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

__attribute__((target("pclmul,sse2")))
static size_t fold_pclmul(uint32_t crc, const uint8_t *p, size_t length, uint8_t folded[16]) {
    const __m128i by4 = _mm_set_epi64x((long long)FOLD4_HIGH, (long long)FOLD4_LOW);
    const __m128i by1 = _mm_set_epi64x((long long)FOLD1_HIGH, (long long)FOLD1_LOW);
    __m128i x0 = _mm_loadu_si128((const __m128i *)p);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(p + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(p + 48));
    // The starting state goes into the first 32 bits of the message (zlib's pre-inversion).
    x0 = _mm_xor_si128(x0, _mm_cvtsi32_si128((int)~crc));
    size_t done = 64;
    while (length - done >= 64) {
        x0 = fold(x0, by4, _mm_loadu_si128((const __m128i *)(p + done)));
        x1 = fold(x1, by4, _mm_loadu_si128((const __m128i *)(p + done + 16)));
        x2 = fold(x2, by4, _mm_loadu_si128((const __m128i *)(p + done + 32)));
        x3 = fold(x3, by4, _mm_loadu_si128((const __m128i *)(p + done + 48)));
        done += 64;
    }
    __m128i x = fold(x0, by1, x1);
    x = fold(x, by1, x2);
    x = fold(x, by1, x3);
    while (length - done >= 16) {
        x = fold(x, by1, _mm_loadu_si128((const __m128i *)(p + done)));
        done += 16;
    }
    _mm_storeu_si128((__m128i *)folded, x);
    return done;
}

size_t bundle_crc32_fold(uint32_t crc, const void *buffer, size_t length, uint8_t folded[16]) {
    if (length < 64 || !__builtin_cpu_supports("pclmul")) return 0;
    return fold_pclmul(crc, (const uint8_t *)buffer, length, folded);
}

#else

size_t bundle_crc32_fold(uint32_t crc, const void *buffer, size_t length, uint8_t folded[16]) {
    (void)crc; (void)buffer; (void)length; (void)folded;
    return 0;
}

#endif
