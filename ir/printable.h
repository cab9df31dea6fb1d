// Names from files (node, value, op and file names) as they may appear in one-line messages.
#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace qcc {

/// `s` with control characters, DEL and bytes that are not UTF-8 escaped as \xNN, cut to
/// `max_chars` bytes (marked "..."): a hostile name cannot break a message's single line or
/// flood the terminal.
std::string printable(std::string_view s, size_t max_chars = 120);

/// The one line a failure is reported with (by the qcc command after "error: ", and by the
/// library's exceptions): the exception's message, printable, or "out of memory" for bad_alloc.
std::string error_line(const std::exception& e);

}  // namespace qcc
