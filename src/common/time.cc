#include "common/time.h"

#include <chrono>

namespace mlops {
namespace {

// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm): no locale, no libc lock.
void CivilFromDays(std::int64_t z, int& year, unsigned& month, unsigned& day) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

void PutDigits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

TimestampMs NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatRfc3339(TimestampMs t) {
  std::int64_t days = t / 86400000;
  std::int64_t ms_of_day = t % 86400000;
  if (ms_of_day < 0) {
    ms_of_day += 86400000;
    --days;
  }
  int year = 0;
  unsigned month = 0, day = 0;
  CivilFromDays(days, year, month, day);
  const auto ms = static_cast<unsigned>(ms_of_day);
  std::string out = "0000-00-00T00:00:00.000Z";
  PutDigits(&out[0], static_cast<unsigned>(year < 0 ? 0 : year % 10000), 4);
  PutDigits(&out[5], month, 2);
  PutDigits(&out[8], day, 2);
  PutDigits(&out[11], ms / 3600000, 2);
  PutDigits(&out[14], ms / 60000 % 60, 2);
  PutDigits(&out[17], ms / 1000 % 60, 2);
  PutDigits(&out[20], ms % 1000, 3);
  return out;
}

}  // namespace mlops
