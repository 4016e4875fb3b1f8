// CICU: plain C functions over ICU (libicuuc).
//
// ICU's headers are included only in CICU.c: Foundation on Linux carries its own renamed ICU,
// and a Swift module that sees both fails to compile. Everything here takes and returns plain
// integer buffers. UTF-16 lengths and capacities are in code units; a function that needs more
// room than `capacity` returns the length it needs and sets `*status` to a positive value.
#ifndef TESSERA_CICU_H
#define TESSERA_CICU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Normalization forms, in the order of `tsr_normalize`'s `form` argument.
enum {
    TSR_FORM_NFC = 0,
    TSR_FORM_NFD = 1,
    TSR_FORM_NFKC = 2,
    TSR_FORM_NFKD = 3,
};

/// Character class bits written by `tsr_char_class` (the pre-tokenizers' view of a code point).
enum {
    TSR_CLASS_LETTER = 1,        // general category L*
    TSR_CLASS_NUMBER = 2,        // general category N*
    TSR_CLASS_WHITESPACE = 4,    // Unicode White_Space property
    TSR_CLASS_PUNCTUATION = 8,   // general category P*
    TSR_CLASS_NONSPACING = 16,   // general category Mn
    TSR_CLASS_OTHER = 32,        // general category C* (Cc, Cf, Cs, Co, Cn)
    TSR_CLASS_CJK = 64,          // BERT's "Chinese character" ranges
};

/// Returns the class bits of one code point.
uint8_t tsr_char_class(int32_t codepoint);

/// Fills `out[i]` with `tsr_char_class(start + i)` for `count` code points.
void tsr_fill_char_class(uint8_t *out, int32_t start, int32_t count);

/// Returns 1 when normalization form `form` has a boundary before `codepoint` (text can be cut there).
int32_t tsr_has_boundary_before(int32_t form, int32_t codepoint);

/// UTF-8 to UTF-16. The input must be valid UTF-8.
int32_t tsr_utf8_to_utf16(const uint8_t *src, int32_t length, uint16_t *dest, int32_t capacity, int32_t *status);

/// UTF-16 to UTF-8.
int32_t tsr_utf16_to_utf8(const uint16_t *src, int32_t length, uint8_t *dest, int32_t capacity, int32_t *status);

/// Length of the prefix of `src` that is already in normalization form `form` (quick check "yes").
int32_t tsr_normalized_prefix(int32_t form, const uint16_t *src, int32_t length, int32_t *status);

/// Normalizes `src` into `dest` (the buffers must not overlap).
int32_t tsr_normalize(int32_t form, const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity, int32_t *status);

/// Full Unicode case folding (ICU `u_strFoldCase`, default options).
int32_t tsr_fold_case(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity, int32_t *status);

/// Lowercases code point by code point with the full, context-free mappings (U+0130 becomes
/// "i\u0307"; capital sigma is always σ), as Rust's `char::to_lowercase` and Hugging Face do.
int32_t tsr_lowercase(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity, int32_t *status);

/// Removes every nonspacing mark (general category Mn). Returns the new length; works in place.
int32_t tsr_remove_nonspacing_marks(uint16_t *text, int32_t length);

/// BERT clean-up: drops NUL, U+FFFD and C* characters except tab, LF and CR; maps White_Space
/// characters to U+0020 (LF and CR are kept when `keep_newlines` is 1). Works in place.
int32_t tsr_clean(uint16_t *text, int32_t length, int32_t keep_newlines);

/// Word boundaries (ICU word break iterator, root locale) of UTF-16 text. Writes the end offset
/// of each segment into `ends` and its rule status into `statuses` (0 for spaces and punctuation,
/// 100..<500 for numbers, letters, kana and ideographs). Returns the number of segments.
int32_t tsr_word_segments(const uint16_t *src, int32_t length, int32_t *ends, int32_t *statuses, int32_t capacity, int32_t *status);


/// A compiled ICU regular expression (opaque). Safe to share: matching works on a clone.
typedef struct tsr_regex tsr_regex;

/// Compiles a UTF-16 pattern. On failure returns NULL, sets `*status` positive and
/// `*error_offset` to the offending UTF-16 offset of the pattern (or -1).
tsr_regex *tsr_regex_open(const uint16_t *pattern, int32_t length, int32_t *error_offset, int32_t *status);

/// Frees a compiled expression.
void tsr_regex_close(tsr_regex *regex);

/// Finds the non-overlapping matches of `regex` in UTF-16 `text`, leftmost first, writing
/// start and end offsets (UTF-16 code units) in pairs. Returns the number of matches; when
/// there are more than `capacity` it returns that number and writes only the first `capacity`.
int32_t tsr_regex_find_all(const tsr_regex *regex, const uint16_t *text, int32_t length,
                           int32_t *pairs, int32_t capacity, int32_t *status);

/// The ICU script code (UScriptCode) of a code point.
int32_t tsr_script(int32_t codepoint);

/// Whether a code point is alphabetic (Unicode Alphabetic property).
int32_t tsr_is_alphabetic(int32_t codepoint);

#ifdef __cplusplus
}
#endif

#endif
