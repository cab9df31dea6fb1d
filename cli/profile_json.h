// Calibration profiles as JSON files (`qcc calibrate -o`, `qcc compile --profile`). Numbers are
// written so they read back bit for bit: compiling from a saved profile gives the same model as
// calibrating in the same run.
#pragma once

#include <string>

#include "compiler/calibrate.h"
#include "cli/json.h"

namespace qcc {

cli::Json profile_to_json(const CalibrationProfile& p);
/// Throws std::runtime_error naming `what` (the file) when the document is not a profile.
CalibrationProfile profile_from_json(const cli::Json& j, const std::string& what);

}  // namespace qcc
