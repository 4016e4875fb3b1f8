// swift-tools-version:6.0
// Tessera: raw text to a small language model, in Swift.
import PackageDescription

let package = Package(
    name: "Tessera",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tessera", targets: ["tessera"]),
        .library(name: "ArtifactIO", targets: ["ArtifactIO"]),
        .library(name: "TextNormalization", targets: ["TextNormalization"]),
        .library(name: "Tokenization", targets: ["Tokenization"]),
        .library(name: "Embeddings", targets: ["Embeddings"]),
        .library(name: "TensorOps", targets: ["TensorOps"]),
        .library(name: "NeuralCore", targets: ["NeuralCore"]),
        .library(name: "TransformerLM", targets: ["TransformerLM"]),
        .library(name: "RecurrentLM", targets: ["RecurrentLM"]),
        .library(name: "LanguageModels", targets: ["LanguageModels"]),
        .library(name: "MaskedLM", targets: ["MaskedLM"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "TranslationMetrics", targets: ["TranslationMetrics"]),
        .library(name: "EncoderDecoder", targets: ["EncoderDecoder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // ICU stays behind plain C functions: its headers clash with Foundation's own ICU copy.
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n")]
        ),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // The bottom support module: atomic output, file readers, parallel-for, token shards, safetensors, JSON.
        .target(name: "ArtifactIO"),
        .target(name: "TextNormalization", dependencies: ["ArtifactIO", "CICU"]),
        .target(
            name: "Tokenization",
            dependencies: ["ArtifactIO", "TextNormalization", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // Word2Vec's inner loop, compiled with AVX2/FMA variants chosen at run time.
        .target(name: "CEmbeddingKernels"),
        .target(name: "Embeddings", dependencies: ["ArtifactIO", "TextNormalization", "Tokenization", "CEmbeddingKernels"]),
        .target(name: "CKernels"),
        .target(name: "TensorOps", dependencies: ["COpenBLAS", "CKernels"]),
        // Layers as forward/backward pairs, optimizer, training loop, checkpoints, evaluation: shared by every model family.
        .target(name: "NeuralCore", dependencies: ["ArtifactIO", "TensorOps", "CKernels"]),
        .target(name: "TransformerLM", dependencies: ["ArtifactIO", "NeuralCore", "TensorOps", "CKernels"]),
        .target(name: "RecurrentLM", dependencies: ["NeuralCore", "TensorOps", "CKernels"]),
        // Either family of next-token LM (Transformer, RNN/LSTM/GRU) behind one value: made, loaded, trained, sampled.
        .target(name: "LanguageModels", dependencies: ["NeuralCore", "TransformerLM", "RecurrentLM"]),
        // BLEU and chrF exactly as sacreBLEU's defaults; depends on nothing.
        .target(name: "TranslationMetrics"),
        // Translation: parallel corpora, the joint vocabulary, length batching, the encoder–decoder model.
        .target(
            name: "EncoderDecoder",
            dependencies: ["ArtifactIO", "CKernels", "NeuralCore", "TensorOps", "Tokenization", "TranslationMetrics"]),
        // BERT: masked-LM pretraining data, the bidirectional encoder, its heads, fine-tuning, HF export/import.
        .target(name: "MaskedLM", dependencies: ["ArtifactIO", "NeuralCore", "TensorOps", "CKernels", "Tokenization"]),
        .target(
            name: "Pipeline",
            dependencies: [
                "ArtifactIO", "TextNormalization", "Tokenization", "Embeddings", "TensorOps", "NeuralCore", "TransformerLM", "RecurrentLM",
                "LanguageModels", "EncoderDecoder", "TranslationMetrics", "MaskedLM",
            ]),
        .executableTarget(
            name: "tessera",
            dependencies: [
                "ArtifactIO", "EncoderDecoder", "TranslationMetrics", "TextNormalization", "Tokenization", "Embeddings", "TensorOps",
                "CKernels", "NeuralCore", "TransformerLM", "RecurrentLM", "LanguageModels", "MaskedLM", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // How every test target finds its fixtures, the released tokenizer files several targets read, and a
        // seeded generator; a plain target (not a product) so test targets can share it.
        .target(name: "TestFixtures", path: "Tests/TestFixtures", exclude: ["tokenizers"]),
        .testTarget(
            name: "TextNormalizationTests", dependencies: ["ArtifactIO", "TextNormalization", "TestFixtures"], exclude: ["Fixtures"]),
        // Runs the built `tessera` executable; depends on no library so it only sees the command line.
        .testTarget(name: "TesseraCLITests", dependencies: ["TestFixtures"]),
        .testTarget(
            name: "LanguageModelsTests",
            dependencies: ["LanguageModels", "NeuralCore", "TransformerLM", "RecurrentLM", "ArtifactIO", "TestFixtures"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "ArtifactIO", "NeuralCore", "Pipeline", "TransformerLM", "TestFixtures", "EncoderDecoder", "TranslationMetrics", "MaskedLM",
            ]),
        .testTarget(
            name: "TokenizationTests", dependencies: ["ArtifactIO", "Tokenization", "TextNormalization", "TestFixtures"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "EmbeddingsTests",
            dependencies: ["ArtifactIO", "Embeddings", "TextNormalization", "Tokenization", "CEmbeddingKernels", "TestFixtures"],
            exclude: ["Fixtures"]),
        .testTarget(name: "ArtifactIOTests", dependencies: ["ArtifactIO"]),
        .testTarget(
            name: "NeuralCoreTests", dependencies: ["NeuralCore", "ArtifactIO", "TensorOps", "CKernels", "TestFixtures"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "RecurrentLMTests", dependencies: ["RecurrentLM", "NeuralCore", "ArtifactIO", "TensorOps", "TestFixtures"],
            exclude: ["Fixtures"]),
        .testTarget(name: "TranslationMetricsTests", dependencies: ["TranslationMetrics", "TestFixtures"], exclude: ["Fixtures"]),
        .testTarget(
            name: "EncoderDecoderTests",
            dependencies: ["EncoderDecoder", "NeuralCore", "ArtifactIO", "TensorOps", "Tokenization", "TestFixtures"], exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TransformerLMTests",
            dependencies: ["TransformerLM", "NeuralCore", "ArtifactIO", "TensorOps", "CKernels", "Tokenization", "TestFixtures"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "MaskedLMTests",
            dependencies: ["MaskedLM", "ArtifactIO", "NeuralCore", "TensorOps", "CKernels", "Tokenization", "TestFixtures"],
            exclude: ["Fixtures"]),
    ]
)
