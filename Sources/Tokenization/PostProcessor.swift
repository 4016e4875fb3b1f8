/// Tokens added around an encoded text when special tokens are asked for (Hugging Face's
/// `TemplateProcessing` / `BertProcessing` for a single sequence).
public struct PostProcessor: Sendable, Hashable {
    /// Tokens before the text (e.g. `[CLS]`).
    public var prefix: [AddedToken]
    /// Tokens after the text (e.g. `[SEP]`).
    public var suffix: [AddedToken]

    /// Creates a post-processor.
    public init(prefix: [AddedToken] = [], suffix: [AddedToken] = []) {
        self.prefix = prefix
        self.suffix = suffix
    }
}
