/// A tokenizer argument that could not be loaded.
struct TokenizerLoadingError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
