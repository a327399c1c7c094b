// `jsift verify` on fuzzed manifests next to a real shard: whatever the
// manifest holds, verify reports problems (never a crash, an exception or a
// hang), and a manifest it accepts vouches for the shard as it is.
#include <cstdint>
#include <filesystem>
#include <string>

#include <zstd.h>

#include "fuzz_check.hpp"
#include "jsift/jobs/verify_shards.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path dir = [] {
    auto d = fuzz::scratch() / "hub";
    std::filesystem::create_directories(d);
    const std::string raw = "{\"id\":1}\n{\"id\":2}\n";
    std::string z(ZSTD_compressBound(raw.size()), '\0');
    z.resize(ZSTD_compress(z.data(), z.size(), raw.data(), raw.size(), 3));
    fuzz::write_file("hub/train-00000-of-00001.jsonl.zst", z);
    fuzz::write_file("hub/README.md", "card\n");
    return d;
  }();
  fuzz::write_file("hub/manifest.json", std::string_view(reinterpret_cast<const char*>(data), size));
  jsift::verify_result r = jsift::verify_shards(dir.string(), 1);
  if (r.problems.empty()) FUZZ_CHECK(r.records == 2 && r.shards == 1);
  return 0;
}
