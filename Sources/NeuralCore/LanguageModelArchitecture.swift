/// The model family of a language model: the GPT-style Transformer or a recurrent cell.
public enum LanguageModelArchitecture: String, Codable, Sendable, CaseIterable {
    /// The GPT-style Transformer (`TransformerLM`).
    case transformer
    /// Elman RNN (`RecurrentLM`).
    case rnn
    /// LSTM (`RecurrentLM`).
    case lstm
    /// GRU (`RecurrentLM`).
    case gru

    /// The recurrent cell, or nil for the Transformer.
    public var cell: RecurrentCell? { RecurrentCell(rawValue: rawValue) }
}
