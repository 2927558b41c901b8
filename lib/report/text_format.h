// Number and name formatting shared by the report writers, gate messages and `inspect`, so a value
// reads the same everywhere.
#pragma once

#include <cstdint>
#include <string>

namespace tinyc::report {

// 1234567 -> "1,234,567": big counts are read by people.
std::string grouped(int64_t n);

// `value` with `decimals` digits after the point; "inf", "-inf" or "nan" when not finite.
std::string fixed(double value, int decimals);
// The shortest text that reads back as `value`: 0.25, 1e-05; for values a user typed (ratios).
std::string shortest(double value);
// As fixed(), with a leading '+' on values >= 0: a change reads "+0.25" or "-1.10".
std::string signed_fixed(double value, int decimals);

// "0.42 ms", "12.3 ms", "2.50 s": run times read at a glance.
std::string duration(double seconds);

// `value` with `digits` significant digits (printf %g): for errors that span many magnitudes.
std::string significant(double value, int digits);

// A name from a user's model for a terminal: control characters (ANSI escapes, newlines) become '?'.
std::string printable(std::string name);

}  // namespace tinyc::report
