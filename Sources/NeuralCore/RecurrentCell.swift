/// The recurrent cell of a layer, with PyTorch's formulations and gate order.
///
/// - ``rnn``: Elman RNN, `h = tanh(W_ih x + b_ih + W_hh h' + b_hh)` (`torch.nn.RNN`).
/// - ``lstm``: gates i, f, g, o; `c = f ⊙ c' + i ⊙ g`, `h = o ⊙ tanh(c)` (`torch.nn.LSTM`).
/// - ``gru``: gates r, z, n; `n = tanh(W_in x + b_in + r ⊙ (W_hn h' + b_hn))`,
///   `h = (1 − z) ⊙ n + z ⊙ h'` (`torch.nn.GRU`).
public enum RecurrentCell: String, Sendable, CaseIterable, Codable {
    /// Elman RNN with tanh.
    case rnn
    /// Long short-term memory.
    case lstm
    /// Gated recurrent unit.
    case gru

    /// Number of gate blocks stacked in `weight_ih`/`weight_hh` (rows = `gateCount × hidden`).
    public var gateCount: Int {
        switch self {
        case .rnn: 1
        case .lstm: 4
        case .gru: 3
        }
    }

    /// Whether the cell carries a cell state `c` beside `h` (LSTM only).
    public var hasCellState: Bool { self == .lstm }
}
