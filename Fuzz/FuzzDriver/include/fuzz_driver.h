/* libFuzzer's driver entry (compiler-rt), called from MediaFuzz's main when built with
 * -sanitize=fuzzer. SwiftPM names an executable's entry point itself, so libFuzzer's own
 * main() is not used; LLVMFuzzerRunDriver does the same work. */
#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
