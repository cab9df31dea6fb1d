// Reading and writing files that strangers hand to qcc, or that qcc hands back.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace qcc {

/// Writes `path` so that a failure never leaves a truncated file there: `write` fills a temporary
/// file in the same folder, which replaces `path` only once every write, the flush and the close
/// succeeded (a full disk is an error, not a silently short file). A path that exists and is not
/// a regular file (/dev/null, /dev/stdout, a pipe) is written in place, with the same checks.
/// Throws std::runtime_error naming the file.
void write_file(const std::string& path, const std::function<void(std::ostream&)>& write);

/// Size of a regular file; throws naming it when it is missing, not a regular file (a folder,
/// a device such as /dev/zero, a pipe) or larger than `max_bytes`.
uint64_t regular_file_size(const std::string& path, uint64_t max_bytes);

/// True when `a` and `b` name the same existing file (through links or different spellings).
bool same_file(const std::string& a, const std::string& b);

}  // namespace qcc
