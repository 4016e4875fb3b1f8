import CICU

/// A Unicode normalization form (UAX #15), or none.
public enum NormalizationForm: String, CaseIterable, Sendable, Codable {
    case none, nfc, nfd, nfkc, nfkd

    /// The form's code for ``CICU``, or `nil` for ``none``.
    var icuForm: Int32? {
        switch self {
        case .none: return nil
        case .nfc: return Int32(TSR_FORM_NFC)
        case .nfd: return Int32(TSR_FORM_NFD)
        case .nfkc: return Int32(TSR_FORM_NFKC)
        case .nfkd: return Int32(TSR_FORM_NFKD)
        }
    }

    /// Whether the form uses compatibility decomposition.
    var isCompatibility: Bool { self == .nfkc || self == .nfkd }

    /// Whether the form composes (NFC, NFKC).
    var isComposed: Bool { self == .nfc || self == .nfkc }
}
