import BundleKit
import Foundation
import Logging

/// Progress on standard error, with bytes, rate and time left (`ProgressMeter`): a one-line
/// bar redrawn at most ten times a second on a terminal that takes control sequences; plain
/// lines elsewhere (`TERM=dumb`, or standard error not a terminal: a log, a pipe), at most one
/// every `plainInterval` seconds per phase, and the phase's last line when it had any; nothing
/// with `--quiet` or `--json`. Warnings go to the log (`Log`) above the bar, and so, at `-v`
/// (info), does each phase as it starts and, at `-vv` (debug), each item as work reaches it;
/// the log's level decides what shows (`-q`: no warnings), whatever the bar's style.
final class ProgressBar: @unchecked Sendable {
    /// How the progress is drawn.
    enum Style: Equatable {
        /// Nothing (`--quiet`, `--json`).
        case none
        /// Plain lines, no control sequences.
        case plain
        /// A bar redrawn in place.
        case bar
    }

    /// Seconds between plain lines: `BUNDLE_PROGRESS_INTERVAL`, else 3.
    static var plainInterval: TimeInterval {
        ProcessInfo.processInfo.environment["BUNDLE_PROGRESS_INTERVAL"].flatMap(TimeInterval.init).map { max(0, $0) } ?? 3
    }

    private let lock = NSLock()
    private let style: Style
    private let logger: Logger
    private let interval: TimeInterval
    private var lastDraw = Date.distantPast
    private var drawn = false
    private var meter: ProgressMeter?
    private var lastCompleted: Int64 = 0
    private var lastPlain = Date.distantPast
    private var plainLines = 0
    /// Whether the phase's 100% line was shown: later events of the phase (verify's members
    /// still checked after the last compressed byte was read) show nothing more.
    private var finishShown = false
    private var loggedPhase: String?
    private var loggedItem: String?
    private var loggedCompleted: Int64 = 0

    /// `quiet`: warnings and progress off; `json`: progress off (the document is on standard output).
    init(quiet: Bool = false, json: Bool = false, controlSequences: Bool = Terminal.stderrTakesControlSequences, interval: TimeInterval = ProgressBar.plainInterval, logger: Logger = Log.bundle) {
        self.style = quiet || json ? .none : controlSequences ? .bar : .plain
        self.logger = logger
        self.interval = interval
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
            logger.warning("\(message)")
        case .progress(let phase, let completed, let total, let item):
            log(phase: phase, completed: completed, total: total, item: item)
            guard style != .none else { return }
            let now = Date()
            // A new phase, or the same phase again (`snapshot verify --all`: one per snapshot).
            if meter?.phase != phase || completed < lastCompleted {
                meter = ProgressMeter(phase: phase, started: now)
                lastPlain = now
                plainLines = 0
                finishShown = false
            }
            lastCompleted = completed
            guard let meter else { return }
            let finished = completed >= total
            guard !(finished && finishShown) else { return }
            if style == .plain {
                // The first line after `interval`, then one per `interval`; the last one only
                // when the phase printed before (a quick phase says nothing).
                guard now.timeIntervalSince(lastPlain) >= interval || (finished && plainLines > 0) else { return }
                lastPlain = now
                plainLines += 1
                finishShown = finished
                Terminal.err(meter.line(completed: completed, total: total, at: now))
                return
            }
            guard now.timeIntervalSince(lastDraw) >= 0.1 || finished else { return }
            lastDraw = now
            finishShown = finished
            let fraction = total > 0 ? min(1, Double(completed) / Double(total)) : 0
            let width = 20
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let line = meter.line(completed: completed, total: total, at: now).dropFirst(phase.count + 2)
            let name = item.count > 30 ? "..." + item.suffix(27) : item
            FileHandle.standardError.write(Data("\r\u{1B}[K\(phase) [\(bar)] \(line) \(name)".utf8))
            drawn = true
        }
    }

    /// Logs a phase as it starts (info) and each new item in it (debug), above the bar.
    private func log(phase: String, completed: Int64, total: Int64, item: String) {
        if loggedPhase != phase || completed < loggedCompleted {
            loggedPhase = phase
            loggedItem = nil
            if logger.logLevel <= .info {
                clear()
                logger.info("\(phase): started, \(Format.bytes(total)) to process")
            }
        }
        loggedCompleted = completed
        guard logger.logLevel <= .debug, !item.isEmpty, item != loggedItem else { return }
        loggedItem = item
        clear()
        logger.debug("\(phase): \(item) (\(Format.bytes(completed)) of \(Format.bytes(total)))")
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
