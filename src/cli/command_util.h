// Helpers shared by the CLI commands: data provenance and reading a table for a command.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "table/read_options.h"
#include "table/table.h"

namespace kiln {

class KilnModel;

// Hex SHA-256 of the file's bytes (IoError/NotFound if unreadable).
Result<std::string> Sha256File(const std::string& path, std::size_t* bytes);

// Checks that `dir` is absent or empty unless `overwrite` (AlreadyExists otherwise). Changes
// nothing.
Status CheckOutputDir(const std::string& dir, bool overwrite);

// The command line as one string, for provenance.
std::string JoinArgs(int argc, char** argv);

// True when stdout is a terminal.
bool StdoutIsTerminal();

// The table at `path` read with `model`'s input schema (as `kiln predict` and `kiln explain` read
// their --data); InvalidArgument naming the first feature column the file lacks.
Result<Table> ReadModelInput(const KilnModel& model, const std::string& path);

}  // namespace kiln
