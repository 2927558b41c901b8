// TFLite's builtin operator names by code, for messages about files tinyc did not write.
#pragma once

#include <cstdint>
#include <string>

namespace tinyc::tflite_format {

// "CONV_2D" for 3, ...; "BUILTIN_<code>" for codes above the classic op set (the StableHLO range)
// and unknown codes.
std::string builtin_name(int32_t code);

}  // namespace tinyc::tflite_format
