// Embeddings: Word2Vec skip-gram with negative sampling, trained the way word2vec.c trains it
// (unigram^0.75 noise table, frequent-word sub-sampling, shrinking window, linearly decaying
// learning rate, lock-free Hogwild threads, an AVX2/FMA inner loop in `CEmbeddingKernels`).
//
// Two kinds of corpus feed the trainer (``TrainingCorpus``): subword ids from an llm.c token
// shard, aligned to a tokenizer's ids (``TokenCorpusBuilder``, ``TokenizerVocabulary``), or words
// from normalized text (``WordCorpusBuilder``). The result is an ``EmbeddingTable``, written as
// safetensors (``SafetensorsFile``, over ArtifactIO's reader and writer) and word2vec text/binary (``Word2VecFormat``), and evaluated
// with nearest neighbours, analogies and word-pair similarity (``EmbeddingIndex``,
// ``AnalogyEvaluation``, ``SimilarityEvaluation``).
