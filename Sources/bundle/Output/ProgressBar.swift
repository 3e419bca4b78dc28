import BundleKit
import Foundation

/// A one-line progress bar on standard error, drawn only on a terminal and at most ten
/// times a second; warnings print above it.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let quiet: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool = Terminal.stderrIsTerminal, quiet: Bool = false) {
        self.enabled = enabled && !quiet
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
