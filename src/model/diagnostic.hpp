// A finding: data collected into a sink, never an exception.
#pragma once

#include "model/source.hpp"

#include <memory>
#include <string>
#include <vector>

namespace miglint::model {

enum class Severity { error, warning, info };

const char* to_string(Severity severity);

// Where a finding points. `file` may be null (then line 0: not tied to a line).
struct Location {
  std::string path;
  std::shared_ptr<const SourceFile> file;
  Span span;

  static Location in(const std::shared_ptr<const SourceFile>& file, Span span)
  {
    return Location{file ? file->path : std::string(), file, span};
  }
  static Location whole(std::string path) { return Location{std::move(path), nullptr, {}}; }
};

struct Note {
  Location at;
  std::string message;
};

struct Diagnostic {
  std::string code;     // "MG101"
  std::string rule;     // "missing-downgrade"
  Severity severity = Severity::error;
  std::string message;  // lower case first, no trailing period
  Location at;
  std::string revision; // the revision concerned, when one applies
  std::vector<Note> notes;
};

} // namespace miglint::model
