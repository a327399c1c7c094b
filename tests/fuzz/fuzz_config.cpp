// Gate files and pipeline files: whatever the bytes, loading either gives a
// config or a usage_error that names the file (never a crash, another
// exception, or a config without checks).
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "jsift/config/gate_config.hpp"
#include "jsift/config/pipeline_config.hpp"
#include "jsift/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_file("config.toml", std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    jsift::gate_config g = jsift::load_gate_config(path);
    FUZZ_CHECK(!g.checks.empty());
    for (const auto& c : g.checks) FUZZ_CHECK(!c->name.empty());
  } catch (const jsift::usage_error& e) {
    FUZZ_CHECK(std::string(e.what()).find(path) != std::string::npos);
  }
  try {
    jsift::pipeline_spec p = jsift::load_pipeline(path);
    FUZZ_CHECK(p.split.size() >= 1);
  } catch (const jsift::usage_error& e) {
    FUZZ_CHECK(std::string(e.what()).find(path) != std::string::npos);
  }
  return 0;
}
