#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BundleCrypto
import Foundation
import SystemPackage

/// Reads a password: from a file (its first line), or typed on the controlling terminal
/// (`/dev/tty`, echo off), never from the command line. The bytes are returned for the caller
/// to use and drop; nothing is logged.
public enum PasswordPrompt {
    /// The first line of `path` (without its line end).
    public static func read(file path: String) throws -> [UInt8] {
        let descriptor = try LocalFileSystem.openForReading(path)
        defer { try? descriptor.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer {
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            buffer.deallocate()
        }
        let count = try LocalFileSystem.readFully(descriptor, into: buffer, path: path)
        let line = buffer[..<count].prefix { $0 != UInt8(ascii: "\n") }
        return Array(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
    }

    /// Asks on the terminal with `prompt` (and, when `confirm` is given, asks again with it and
    /// requires the same answer). Nil when there is no terminal to ask on.
    public static func ask(_ prompt: String, confirm: String? = nil) throws -> [UInt8]? {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard tty >= 0 else { return nil }
        defer { close(tty) }
        func askOnce(_ text: String) -> [UInt8] {
            _ = text.withCString { write(tty, $0, strlen($0)) }
            var saved = termios()
            let hasTerminal = tcgetattr(tty, &saved) == 0
            if hasTerminal {
                var silent = saved
                silent.c_lflag &= ~tcflag_t(ECHO)
                _ = tcsetattr(tty, TCSAFLUSH, &silent)
            }
            defer {
                if hasTerminal { _ = tcsetattr(tty, TCSAFLUSH, &saved) }
                _ = write(tty, "\n", 1)
            }
            var answer: [UInt8] = []
            var byte: UInt8 = 0
            while systemRead(tty, &byte, 1) == 1, byte != UInt8(ascii: "\n") { answer.append(byte) }
            if answer.last == UInt8(ascii: "\r") { answer.removeLast() }
            return answer
        }
        let first = askOnce(prompt)
        if let confirm, askOnce(confirm) != first { throw KeyFileError.passwordMismatch }
        return first
    }
}

/// `read(2)` (the name `read` is taken by `PasswordPrompt.read(file:)`).
private func systemRead(_ descriptor: Int32, _ byte: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    read(descriptor, byte, count)
}
