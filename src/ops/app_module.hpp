// An application module imported by a revision (app_modules.cpp evaluates it).
#pragma once

#include "ops/evaluator.hpp"
#include "python/parser.hpp"
#include "source/python_modules.hpp"

#include <memory>

namespace miglint::ops {

struct AppModule : Object {
  std::shared_ptr<const source::PythonModule> file;
  std::shared_ptr<ModuleText> text;
  std::shared_ptr<python::ParseResult> parsed; // once loaded
  std::shared_ptr<Frame> frame = std::make_shared<Frame>(); // its module-level names
  enum class State { unloaded, loading, loaded } state = State::unloaded;
  std::string describe() const override { return "module " + file->dotted; }
};

} // namespace miglint::ops
