import Foundation
import Tokenization

/// The one place where the CLI turns a `--tokenizer` argument into a codec.
///
/// Accepts the literal `bytes` (→ ``ByteCodec``), a file holding the byte-codec marker that
/// `train-lm` writes into model directories for it, and every tokenizer file ``TokenizerFile``
/// reads (Hugging Face `tokenizer.json`, WordPiece `vocab.txt`, GPT-2 `vocab.json` + `merges.txt`).
func loadTokenCodec(_ path: String) throws -> any TokenCodec {
    if path == "bytes" { return ByteCodec() }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw TokenizerLoadingError("\(path): cannot read tokenizer file")
    }
    if isByteCodecMarker(data) { return ByteCodec() }
    return try TokenizerFile.load(path)
}

/// The bytes stored as `tokenizer.json` in a model directory for a `--tokenizer` argument.
func tokenizerFileBytes(_ path: String) throws -> [UInt8] {
    if path == "bytes" { return byteCodecMarker }
    guard let data = FileManager.default.contents(atPath: path) else { throw TokenizerLoadingError("\(path): cannot read tokenizer file") }
    return [UInt8](data)
}

/// Loads the tokenizer saved in a model directory, which must have the model's vocabulary size.
func loadModelTokenCodec(_ modelDirectory: String, vocabularySize: Int) throws -> any TokenCodec {
    let dir = modelDirectory.hasSuffix("/") ? String(modelDirectory.dropLast()) : modelDirectory
    let candidates = [dir + "/tokenizer.json", dir + ".previous/tokenizer.json"]
    guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
        throw TokenizerLoadingError("\(dir): no tokenizer.json in the model directory")
    }
    let codec = try loadTokenCodec(path)
    guard codec.vocabularySize == vocabularySize else {
        throw TokenizerLoadingError(
            "\(path): the tokenizer has \(codec.vocabularySize) ids but the model's config.json has a vocabulary of \(vocabularySize); they do not belong together"
        )
    }
    return codec
}

/// `{"tessera_codec": "bytes"}`: stands for ``ByteCodec`` in a model directory.
let byteCodecMarker = Array(#"{"tessera_codec": "bytes"}"#.utf8) + [0x0A]

private func isByteCodecMarker(_ data: Data) -> Bool {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
    return object.count == 1 && object["tessera_codec"] as? String == "bytes"
}
