// The rest of the standard library as revision bodies use it: uuid.uuid4(), json
// dumps/loads, base64, os.urandom and secrets (random values that only need to be well
// formed), logging (calls that do nothing here), datetime's now()/today(), typing hints
// and enum.auto(). Values whose content miglint cannot know (os.environ, ...) are not here:
// they stay unknown, and what depends on them is unverifiable.
#pragma once

#include "ops/evaluator.hpp"

#include <optional>
#include <string>

namespace miglint::ops {

struct UuidValue : Object {
  std::string hex; // 32 lowercase hex digits
  std::string describe() const override; // 8-4-4-4-12
};

// logging.getLogger(...), or the logging module's own functions: every call is a no-op.
struct LoggerValue : Object {
  std::string describe() const override { return "logging.Logger"; }
};

// enum.auto(): replaced by the enum's next value when its class is defined.
struct AutoValue : Object {
  std::string describe() const override { return "enum.auto()"; }
};

// Whether a top-level module is one of these (or datetime/decimal, see py_stdlib.hpp).
bool is_known_stdlib_module(const std::string& top);

// Calls of module functions: "uuid.uuid4", "json.dumps", "base64.b64encode", "os.urandom",
// "secrets.token_hex", "logging.getLogger", "typing.cast", "datetime.datetime.now", ...;
// nullopt when `path` is none of them.
std::optional<Flow<Value>> call_module_function(const std::string& path, const CallArgs& args);

// Methods and attributes of the values above and of bytes/datetime values
// (`u.hex`, `b.decode()`, `d.isoformat()`, `log.info(...)`); nullopt when not handled.
std::optional<Flow<Value>> stdlib_method(const ObjectPtr& self, const std::string& name,
                                         const CallArgs& args);
std::optional<Value> stdlib_attribute(const ObjectPtr& self, const std::string& name);

// Python's json.dumps (default separators and ensure_ascii; sort_keys on request); an
// error text such as "TypeError: Object of type X is not JSON serializable" when it
// cannot be encoded (with a null `error`, such a value is written as its str()).
std::string json_dumps(const Value& v, bool sort_keys, std::string* error);
// Python's json.loads of a text; nullopt when it is not a JSON document.
std::optional<Value> json_loads(const std::string& text);

} // namespace miglint::ops
