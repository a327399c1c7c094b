// Dedup index files: any bytes either load (and then round-trip through a
// write and a read with the same keys) or are a data_error naming the file.
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "jsift/error.hpp"
#include "jsift/sets/key_index.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_file("seen.idx", std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string spec = "record;normalize=none";
  jsift::key_set keys;
  uint64_t n = 0;
  try {
    n = jsift::read_key_index(path, spec, keys, 0);
  } catch (const jsift::data_error& e) {
    FUZZ_CHECK(std::string(e.what()).find(path) != std::string::npos);
    return 0;
  }
  FUZZ_CHECK(keys.size() <= n);
  const std::string again = (fuzz::scratch() / "again.idx").string();
  jsift::write_key_index(again, spec, keys);
  jsift::key_set back;
  FUZZ_CHECK(jsift::read_key_index(again, spec, back, 0) == keys.size());
  FUZZ_CHECK(back.size() == keys.size());
  return 0;
}
