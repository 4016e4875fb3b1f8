// TextNormalization: the first stage of Tessera.
//
// Everything here works on UTF-8 bytes and keeps its buffers between calls:
//
// - ``Normalizer`` applies Unicode normalization (NFC, NFD, NFKC, NFKD through ICU), BERT-style
//   clean-up, accent stripping, lowercasing or full case folding. ASCII-only spans never reach ICU.
// - ``TextChunkReader`` streams a file in large chunks cut where normalization and
//   pre-tokenization may safely cut, validating UTF-8 and naming the byte offset of bad input.
// - Pre-tokenizers split normalized text into pieces with byte offsets: ``ByteLevelPreTokenizer``
//   (GPT-2's regex, as a hand-written scanner), ``BertPreTokenizer``, ``WhitespacePreTokenizer``
//   and ``WordBoundaryPreTokenizer`` (ICU word breaks). ``ByteLevelAlphabet`` is GPT-2's
//   byte ↔ printable-character map.
//
// ```swift
// let normalizer = Normalizer(form: .nfkc, lowercase: true)
// normalizer.normalize("Ｈｅｌｌｏ ﬁne")            // "hello fine"
// ByteLevelPreTokenizer().pieces(of: "I'm here")  // ["I", "'m", " here"] with byte ranges
// ```
