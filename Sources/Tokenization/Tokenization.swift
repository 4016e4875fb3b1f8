// Tokenization: text to token ids and back, Hugging Face–compatible.
//
// - `Tokenizer` (normalizer → pre-tokenizer → `BPEModel` / `WordPieceModel` → post-processor →
//   decoder, added tokens matched whole) conforms to `TokenCodec`; `TokenizerSession` is its
//   per-thread encoder with a word cache; `CorpusEncoder` encodes files on several threads.
// - `TokenizerFile` reads and writes `tokenizer.json`, `vocab.txt`, `vocab.json` + `merges.txt`.
// - Training: `WordCounter` streams corpora into `WordCounts` (mergeable `.counts` files), then
//   `BPETrainer` (merge for merge as Hugging Face's BpeTrainer) or `WordPieceTrainer` (frequency
//   or likelihood scoring); `TokenizerRecipe` ties the settings together for the command line.
// - Token shards (llm.c `.bin` files) are ArtifactIO's `TokenShard`.
