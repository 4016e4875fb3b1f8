import CICU

/// `UnicodeScripts`: splits where the Unicode script changes (Hiragana, Katakana and U+30FC
/// count as Han; a space joins either side).
package struct UnicodeScriptsPreTokenizer: PreTokenizerComponent {
    package init() {}

    /// ICU script code, with tokenizers' fixes; -1 for "any". Hugging Face's script table is
    /// Unicode 9.0's: a character assigned later (or unassigned) is "any" there.
    static func script(_ s: UInt32) -> Int32 {
        if s == 0x30FC { return 17 }  // USCRIPT_HAN
        if s == 0x20 { return -1 }
        if s >= 0x0530 {
            guard let age = Unicode.Scalar(s)?.properties.age, age.major < 9 || (age.major == 9 && age.minor == 0) else { return -1 }
        }
        return icuScript(s)
    }

    /// ICU script code (Hiragana and Katakana as Han, U+30FC Han, space -1) for any Unicode version.
    static func icuScript(_ s: UInt32) -> Int32 {
        if s == 0x30FC { return 17 }  // USCRIPT_HAN
        if s == 0x20 { return -1 }
        let code = tsr_script(Int32(bitPattern: s))
        if code == 20 || code == 22 { return 17 }  // HIRAGANA, KATAKANA → HAN
        return code
    }

    package func split(_ piece: AlignedText, into out: inout [AlignedText]) {
        var cuts: [Int] = []
        var last: Int32? = nil
        for (scalar, offset, _) in piece.scalars() {
            let s = Self.script(scalar)
            if s != -1 && last != -1 && last != s { cuts.append(offset) }
            if s != -1 { last = s }
        }
        cuts.append(piece.bytes.count)
        for k in 0..<(cuts.count - 1) where cuts[k] < cuts[k + 1] { out.append(piece.slice(cuts[k]..<cuts[k + 1])) }
    }

    package var json: String { "{\"type\": \"UnicodeScripts\"}" }
}
