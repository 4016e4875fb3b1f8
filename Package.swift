// swift-tools-version:6.0
// Tessera: raw text to a small language model, in Swift.
import PackageDescription

let package = Package(
    name: "Tessera",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tessera", targets: ["tessera"]),
        .library(name: "TextNormalization", targets: ["TextNormalization"]),
        .library(name: "Tokenization", targets: ["Tokenization"]),
        .library(name: "Embeddings", targets: ["Embeddings"]),
        .library(name: "TensorOps", targets: ["TensorOps"]),
        .library(name: "NeuralCore", targets: ["NeuralCore"]),
        .library(name: "TransformerLM", targets: ["TransformerLM"]),
        .library(name: "MaskedLM", targets: ["MaskedLM"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // ICU stays behind plain C functions: its headers clash with Foundation's own ICU copy.
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc")]
        ),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "TextNormalization", dependencies: ["CICU"]),
        .target(name: "Tokenization", dependencies: ["TextNormalization"]),
        // Word2Vec's inner loop, compiled with AVX2/FMA variants chosen at run time.
        .target(name: "CEmbeddingKernels"),
        .target(name: "Embeddings", dependencies: ["Tokenization", "TextNormalization", "TensorOps", "CEmbeddingKernels"]),
        .target(name: "CKernels"),
        .target(name: "TensorOps", dependencies: ["COpenBLAS", "CKernels"]),
        // Layers as forward/backward pairs, optimizer, training loop, checkpoints, evaluation: shared by every model family.
        .target(name: "NeuralCore", dependencies: ["TensorOps", "CKernels"]),
        .target(name: "TransformerLM", dependencies: ["NeuralCore", "TensorOps", "CKernels", "Tokenization"]),
        // BERT: masked-LM pretraining data, the bidirectional encoder, its heads and HF export/import.
        .target(name: "MaskedLM", dependencies: ["NeuralCore", "TensorOps", "CKernels", "Tokenization"]),
        .target(name: "Pipeline", dependencies: ["TextNormalization", "Tokenization", "Embeddings", "NeuralCore", "TransformerLM"]),
        .executableTarget(
            name: "tessera",
            dependencies: [
                "TextNormalization", "Tokenization", "Embeddings", "TensorOps", "NeuralCore", "TransformerLM", "MaskedLM", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // How every test target finds its fixtures, the released tokenizer files several targets read, and a
        // seeded generator; a plain target (not a product) so test targets can share it.
        .target(name: "TestFixtures", path: "Tests/TestFixtures", exclude: ["tokenizers"]),
        .testTarget(name: "TextNormalizationTests", dependencies: ["TextNormalization", "TestFixtures"], exclude: ["Fixtures"]),
        // Runs the built `tessera` executable; depends on no library so it only sees the command line.
        .testTarget(name: "TesseraCLITests"),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "TestFixtures"]),
        .testTarget(name: "TokenizationTests", dependencies: ["Tokenization", "TextNormalization", "TestFixtures"], exclude: ["Fixtures"]),
        .testTarget(name: "EmbeddingsTests", dependencies: ["Embeddings", "Tokenization", "CEmbeddingKernels", "TestFixtures"], exclude: ["Fixtures"]),
        .testTarget(name: "TensorOpsTests", dependencies: ["TensorOps"]),
        .testTarget(name: "NeuralCoreTests", dependencies: ["NeuralCore", "TensorOps", "CKernels", "TestFixtures"], exclude: ["Fixtures"]),
        .testTarget(name: "TransformerLMTests", dependencies: ["TransformerLM", "NeuralCore", "TensorOps", "Tokenization", "TestFixtures"], exclude: ["Fixtures"]),
        .testTarget(name: "MaskedLMTests", dependencies: ["MaskedLM", "NeuralCore", "TensorOps", "Tokenization", "TestFixtures"], exclude: ["Fixtures"]),
    ]
)
