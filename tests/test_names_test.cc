// Every test case name must reach ctest whole: catch_discover_tests splits names at ';' (a CMake list)
// and Catch reads a leading '-' as an option, so such a test would silently never run under ctest.
#include <catch2/catch.hpp>

#include <string>

TEST_CASE("every test case name can be run alone by ctest") {
  const auto& tests = Catch::getRegistryHub().getTestCaseRegistry().getAllTests();
  REQUIRE(tests.size() > 100);
  for (const auto& test : tests) {
    const std::string& name = test.getTestCaseInfo().name;
    INFO(name);
    CHECK(name.find(';') == std::string::npos);
    CHECK(!name.empty());
    CHECK(name.front() != '-');
    CHECK(name.front() != ' ');
  }
}
