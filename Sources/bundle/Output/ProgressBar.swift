import BundleKit
import Foundation

/// Progress on standard error, only on a terminal: a one-line bar redrawn at most ten times a
/// second where control sequences are welcome, and on `TERM=dumb` plain lines, one per tenth
/// of a phase; warnings print above it (and, with `quiet`, not at all).
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let plain: Bool
    private let quiet: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false
    private var lastPlain: (phase: String, tenth: Int) = ("", -1)

    init(enabled: Bool = Terminal.stderrIsTerminal, controlSequences: Bool = Terminal.stderrTakesControlSequences, quiet: Bool = false) {
        self.enabled = enabled && !quiet
        self.plain = !controlSequences
        self.quiet = quiet
    }

    /// The handler to pass to the library.
    var handler: EventHandler {
        { [self] event in handle(event) }
    }

    private func handle(_ event: BundleEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .warning(let message):
            clear()
            if !quiet { Terminal.err("bundle: warning: \(message)") }
        case .progress(let phase, let completed, let total, let item):
            guard enabled else { return }
            if plain {
                let tenth = total > 0 ? Int(min(1, Double(completed) / Double(total)) * 10) : 0
                guard (phase, tenth) != lastPlain else { return }
                lastPlain = (phase, tenth)
                Terminal.err("\(phase): \(tenth * 10)% (\(completed) of \(total))")
                return
            }
            let now = Date()
            guard now.timeIntervalSince(lastDraw) >= 0.1 || completed == total else { return }
            lastDraw = now
            let fraction = total > 0 ? min(1, Double(completed) / Double(total)) : 0
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let name = item.count > 40 ? "..." + item.suffix(37) : item
            FileHandle.standardError.write(Data("\r\u{1B}[K\(phase) [\(bar)] \(Int(fraction * 100))% \(name)".utf8))
            drawn = true
        }
    }

    /// Removes the bar before other output.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        clear()
    }

    private func clear() {
        if drawn {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            drawn = false
        }
    }
}
