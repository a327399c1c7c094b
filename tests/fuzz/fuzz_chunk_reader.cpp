// The chunk reader over plain, zstd and gzip files, mapped or streamed, with
// tiny chunks and line limits: the chunks give back exactly the file's lines
// (an over-long line as its length and at most the limit's bytes), and
// corrupt compressed bytes are a data_error, never a crash. Plain content
// that starts like a JSON array is also read as JSON text: a valid array
// comes back as its elements, minified, one per line; anything else is a
// data_error or lines, never a crash.
#include <cstdint>
#include <string>
#include <vector>

#include <simdjson.h>
#include <zlib.h>
#include <zstd.h>

#include "fuzz_check.hpp"
#include "jsift/error.hpp"
#include "jsift/io/byte_reader.hpp"
#include "jsift/io/chunk_reader.hpp"

namespace {

std::string zstd_of(const std::string& s) {
  std::string out(ZSTD_compressBound(s.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), s.data(), s.size(), 1);
  FUZZ_CHECK(!ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::string gzip_of(const std::string& s) {
  z_stream z{};
  FUZZ_CHECK(deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, uLong(s.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = uInt(s.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const unsigned form = data[0] % 4;  // plain, zstd, gzip, raw bytes as they are
  static const size_t chunks[] = {64, 65, 100, 256, 4096};
  static const size_t limits[] = {1, 7, 64, 300, 100000};
  jsift::chunk_options o;
  o.chunk_bytes = chunks[(data[1] >> 1) % 5];
  o.max_line_bytes = limits[(data[1] >> 4) % 5];
  o.use_mmap = data[1] & 1;
  const std::string content(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::string file = form == 1 ? zstd_of(content) : form == 2 ? gzip_of(content) : content;
  const std::string path = fuzz::write_file("input", file);
  if (form == 0 && jsift::starts_json_text(reinterpret_cast<const unsigned char*>(content.data()), content.size(), jsift::input_format::auto_)) {
    o.max_line_bytes = size_t(1) << 20;  // whole elements, to compare
    std::string joined = "[";
    try {
      jsift::chunk_reader reader({{path}}, o);
      jsift::chunk c;
      size_t n = 0;
      while (reader.next(c)) {
        FUZZ_CHECK(c.json_text);
        std::string_view d = c.data;
        while (!d.empty()) {
          size_t nl = d.find('\n');
          if (n++) joined += ',';
          joined += d.substr(0, nl);
          d.remove_prefix(nl == std::string_view::npos ? d.size() : nl + 1);
        }
      }
    } catch (const jsift::data_error&) {
      joined.clear();  // a broken array: only a crash would be wrong
    }
    static simdjson::dom::parser parser;
    std::string text = content.compare(0, 3, "\xEF\xBB\xBF") == 0 ? content.substr(3) : content;
    simdjson::dom::element e;
    if (!parser.parse(text).get(e) && e.type() == simdjson::dom::element_type::ARRAY) {
      std::string min(text.size() + 64, '\0');
      size_t m = 0;
      FUZZ_CHECK(!simdjson::minify(text.data(), text.size(), min.data(), m));
      min.resize(m);
      FUZZ_CHECK(joined + "]" == min);
    }
    return 0;
  }
  o.format = jsift::input_format::jsonl;  // the lines as they are, '[' or not

  // Content is detected by magic bytes: plain or raw bytes that begin like
  // zstd or gzip are decoded (and may be corrupt).
  const bool looks_compressed = (form == 0 || form == 3) &&
                                jsift::detect_compression(reinterpret_cast<const unsigned char*>(file.data()), file.size()) !=
                                    jsift::compression::none;

  // The expected lines: the content split at '\n' (a last line without one counts).
  std::vector<std::string> want;
  for (size_t start = 0; start < content.size();) {
    size_t nl = content.find('\n', start);
    want.push_back(content.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    start = nl == std::string::npos ? content.size() : nl + 1;
  }
  std::vector<std::string> got;
  uint64_t decoded = 0;
  try {
    jsift::chunk_reader reader({{path}}, o);
    jsift::chunk c;
    while (reader.next(c)) {
      if (c.oversized) {
        FUZZ_CHECK(c.oversized > o.max_line_bytes);
        FUZZ_CHECK(c.data.size() >= std::min<uint64_t>(c.oversized, o.max_line_bytes));
        got.push_back("<" + std::to_string(c.oversized) + ">");
        continue;
      }
      std::string_view d = c.data;
      FUZZ_CHECK(c.file_end || (!d.empty() && d.back() == '\n'));
      if (looks_compressed) {
        // Bytes we did not compress ourselves can inflate to gigabytes (a
        // 4 KB zstd frame of RLE blocks): check the decoder on the first
        // megabytes without keeping the lines, which are not compared.
        decoded += d.size();
        if (decoded > (4u << 20)) break;
        continue;
      }
      while (!d.empty()) {
        size_t nl = d.find('\n');
        got.emplace_back(d.substr(0, nl));
        d.remove_prefix(nl == std::string_view::npos ? d.size() : nl + 1);
      }
    }
  } catch (const jsift::data_error&) {
    FUZZ_CHECK(looks_compressed);  // only bytes we did not compress ourselves may be corrupt
    return 0;
  }
  if (looks_compressed) return 0;  // plain bytes that start like a compressed stream are read as one
  // A line comes back whole, or, when it is longer than the limit (and the
  // chunk), as its length alone: the reader never holds an over-long line.
  bool same = got.size() == want.size();
  for (size_t i = 0; same && i < got.size(); ++i) {
    const bool bom = i == 0 && want[i].compare(0, 3, "\xEF\xBB\xBF") == 0;  // the first line may carry a BOM on top
    const bool over = want[i].size() > o.max_line_bytes + (bom ? 3 : 0);
    same = got[i] == want[i] || (over && got[i] == "<" + std::to_string(want[i].size()) + ">");
  }
  if (!same) {  // say what differs before failing
    for (size_t i = 0; i < std::max(got.size(), want.size()); ++i)
      std::fprintf(stderr, "line %zu: got [%s] want [%s]\n", i, i < got.size() ? got[i].c_str() : "-", i < want.size() ? want[i].c_str() : "-");
  }
  FUZZ_CHECK(same);
  return 0;
}
