// CICU.c: the only file of the project that includes ICU's headers (see CICU.h).
#include "CICU.h"

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/uregex.h>
#include <unicode/uscript.h>
#include <stdlib.h>

static const UNormalizer2 *tsr_instance(int32_t form, UErrorCode *error) {
    switch (form) {
    case TSR_FORM_NFC: return unorm2_getNFCInstance(error);
    case TSR_FORM_NFD: return unorm2_getNFDInstance(error);
    case TSR_FORM_NFKC: return unorm2_getNFKCInstance(error);
    default: return unorm2_getNFKDInstance(error);
    }
}

static int tsr_is_cjk(int32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

uint8_t tsr_char_class(int32_t c) {
    uint8_t bits = 0;
    int32_t mask = U_GET_GC_MASK(c);
    if (mask & U_GC_L_MASK) bits |= TSR_CLASS_LETTER;
    if (mask & U_GC_N_MASK) bits |= TSR_CLASS_NUMBER;
    if (mask & U_GC_P_MASK) bits |= TSR_CLASS_PUNCTUATION;
    if (mask & U_GC_MN_MASK) bits |= TSR_CLASS_NONSPACING;
    if (mask & U_GC_C_MASK) bits |= TSR_CLASS_OTHER;
    if (u_hasBinaryProperty(c, UCHAR_WHITE_SPACE)) bits |= TSR_CLASS_WHITESPACE;
    if (tsr_is_cjk(c)) bits |= TSR_CLASS_CJK;
    return bits;
}

void tsr_fill_char_class(uint8_t *out, int32_t start, int32_t count) {
    for (int32_t i = 0; i < count; i++) out[i] = tsr_char_class(start + i);
}

int32_t tsr_has_boundary_before(int32_t form, int32_t codepoint) {
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *n = tsr_instance(form, &error);
    if (U_FAILURE(error)) return 0;
    return unorm2_hasBoundaryBefore(n, codepoint) ? 1 : 0;
}

int32_t tsr_utf8_to_utf16(const uint8_t *src, int32_t length, uint16_t *dest, int32_t capacity, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    int32_t written = 0;
    u_strFromUTF8WithSub((UChar *)dest, capacity, &written, (const char *)src, length, 0xFFFD, NULL, &error);
    *status = error == U_BUFFER_OVERFLOW_ERROR ? 1 : (U_FAILURE(error) ? -(int32_t)error : 0);
    return written;
}

int32_t tsr_utf16_to_utf8(const uint16_t *src, int32_t length, uint8_t *dest, int32_t capacity, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    int32_t written = 0;
    u_strToUTF8WithSub((char *)dest, capacity, &written, (const UChar *)src, length, 0xFFFD, NULL, &error);
    *status = error == U_BUFFER_OVERFLOW_ERROR ? 1 : (U_FAILURE(error) ? -(int32_t)error : 0);
    return written;
}

static int32_t tsr_status(UErrorCode error) {
    if (error == U_BUFFER_OVERFLOW_ERROR) return 1;
    if (error == U_STRING_NOT_TERMINATED_WARNING) return 0;
    return U_FAILURE(error) ? -(int32_t)error : 0;
}

int32_t tsr_normalized_prefix(int32_t form, const uint16_t *src, int32_t length, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *n = tsr_instance(form, &error);
    int32_t span = U_SUCCESS(error) ? unorm2_spanQuickCheckYes(n, (const UChar *)src, length, &error) : 0;
    *status = tsr_status(error);
    return span;
}

int32_t tsr_normalize(int32_t form, const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *n = tsr_instance(form, &error);
    int32_t written = U_SUCCESS(error) ? unorm2_normalize(n, (const UChar *)src, length, (UChar *)dest, capacity, &error) : 0;
    *status = tsr_status(error);
    return written;
}

int32_t tsr_fold_case(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    int32_t written = u_strFoldCase((UChar *)dest, capacity, (const UChar *)src, length, U_FOLD_CASE_DEFAULT, &error);
    *status = tsr_status(error);
    return written;
}

int32_t tsr_lowercase(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity, int32_t *status) {
    int32_t in = 0, out = 0;
    UBool overflow = 0;
    while (in < length) {
        UChar32 c;
        U16_NEXT(src, in, length, c);
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z') c += 32;
            if (out < capacity) dest[out] = (uint16_t)c; else overflow = 1;
            out++;
            continue;
        }
        if (c == 0x130) {  // the one unconditional multi-character lowercase mapping
            if (out + 2 <= capacity) { dest[out] = 0x69; dest[out + 1] = 0x307; } else overflow = 1;
            out += 2;
            continue;
        }
        UChar32 lower = u_tolower(c);
        if (out + U16_LENGTH(lower) <= capacity) {
            UBool error = 0;
            U16_APPEND(dest, out, capacity, lower, error);
            (void)error;
        } else {
            overflow = 1;
            out += U16_LENGTH(lower);
        }
    }
    *status = overflow ? 1 : 0;
    return out;
}

int32_t tsr_remove_nonspacing_marks(uint16_t *text, int32_t length) {
    int32_t in = 0, out = 0;
    while (in < length) {
        int32_t start = in;
        UChar32 c;
        U16_NEXT(text, in, length, c);
        if (c >= 0x300 && (U_GET_GC_MASK(c) & U_GC_MN_MASK)) continue;
        for (int32_t k = start; k < in; k++) text[out++] = text[k];
    }
    return out;
}

int32_t tsr_clean(uint16_t *text, int32_t length, int32_t keep_newlines) {
    int32_t in = 0, out = 0;
    while (in < length) {
        int32_t start = in;
        UChar32 c;
        U16_NEXT(text, in, length, c);
        if (c == '\t' || c == '\n' || c == '\r') {
            text[out++] = (keep_newlines && c != '\t') ? (uint16_t)c : 0x20;
            continue;
        }
        if (c == 0 || c == 0xFFFD || (U_GET_GC_MASK(c) & U_GC_C_MASK)) continue;
        if (c == 0x20 || (c >= 0x80 && u_hasBinaryProperty(c, UCHAR_WHITE_SPACE))) {
            text[out++] = 0x20;
            continue;
        }
        for (int32_t k = start; k < in; k++) text[out++] = text[k];
    }
    return out;
}

int32_t tsr_word_segments(const uint16_t *src, int32_t length, int32_t *ends, int32_t *statuses, int32_t capacity, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(UBRK_WORD, "", (const UChar *)src, length, &error);
    if (U_FAILURE(error)) { *status = -(int32_t)error; return 0; }
    int32_t count = 0;
    ubrk_first(it);
    for (int32_t end = ubrk_next(it); end != UBRK_DONE; end = ubrk_next(it)) {
        if (count < capacity) {
            ends[count] = end;
            statuses[count] = ubrk_getRuleStatus(it);
        }
        count++;
    }
    ubrk_close(it);
    *status = count > capacity ? 1 : 0;
    return count;
}

struct tsr_regex { URegularExpression *compiled; };

tsr_regex *tsr_regex_open(const uint16_t *pattern, int32_t length, int32_t *error_offset, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    UParseError parse;
    parse.offset = -1;
    URegularExpression *compiled = uregex_open((const UChar *)pattern, length, 0, &parse, &error);
    if (U_FAILURE(error) || compiled == NULL) {
        *status = error > 0 ? error : 1;
        *error_offset = parse.offset;
        if (compiled) uregex_close(compiled);
        return NULL;
    }
    tsr_regex *regex = malloc(sizeof(tsr_regex));
    if (regex == NULL) { uregex_close(compiled); *status = 1; return NULL; }
    regex->compiled = compiled;
    *status = 0;
    return regex;
}

void tsr_regex_close(tsr_regex *regex) {
    if (regex == NULL) return;
    uregex_close(regex->compiled);
    free(regex);
}

int32_t tsr_regex_find_all(const tsr_regex *regex, const uint16_t *text, int32_t length,
                           int32_t *pairs, int32_t capacity, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    URegularExpression *re = uregex_clone(regex->compiled, &error);
    if (U_FAILURE(error)) { *status = error; return 0; }
    uregex_setText(re, (const UChar *)text, length, &error);
    int32_t count = 0;
    while (U_SUCCESS(error) && uregex_findNext(re, &error)) {
        int32_t start = uregex_start(re, 0, &error);
        int32_t end = uregex_end(re, 0, &error);
        if (U_FAILURE(error)) break;
        if (count < capacity) { pairs[2 * count] = start; pairs[2 * count + 1] = end; }
        count += 1;
    }
    *status = U_FAILURE(error) ? error : 0;
    uregex_close(re);
    return count;
}

int32_t tsr_script(int32_t codepoint) {
    UErrorCode error = U_ZERO_ERROR;
    UScriptCode code = uscript_getScript(codepoint, &error);
    return U_FAILURE(error) ? 0 : (int32_t)code;
}

int32_t tsr_is_alphabetic(int32_t codepoint) {
    return u_hasBinaryProperty(codepoint, UCHAR_ALPHABETIC) ? 1 : 0;
}
