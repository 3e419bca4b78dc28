#ifndef CFASTCRC_H
#define CFASTCRC_H

#include <stddef.h>
#include <stdint.h>

/// Folds the CRC-32 (zlib's, reflected 0xEDB88320) of `buffer` with carry-less multiplication
/// (PCLMULQDQ), 64 bytes a step: the first `n` bytes of `buffer` (returned; a multiple of 16,
/// 0 when the CPU has no PCLMULQDQ or `length` < 64) become 16 bytes in `folded` whose CRC-32
/// from state 0 is theirs from `crc`. So `crc32(crc, buffer, length)` is
/// `crc32(crc32(0xffffffff, folded, 16), buffer + n, length - n)`.
size_t bundle_crc32_fold(uint32_t crc, const void *buffer, size_t length, uint8_t folded[16]);

#endif
