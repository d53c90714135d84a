#include "app/help_format.hpp"

#include <catch2/catch.hpp>

using namespace volley;

TEST_CASE("help_format: a short name and its text share a line") {
  CHECK(help_entry("-c, --concurrency N", "Transfers in flight at most (default 50)", 24, 100) ==
        "  -c, --concurrency N   Transfers in flight at most (default 50)\n");
  CHECK(help_entry("--title", "", 24, 100) == "  --title\n");
}

TEST_CASE("help_format: a long text wraps at the width, under the column") {
  CHECK(help_entry("-a", "one two three four", 6, 14) ==
        "  -a  one two\n"
        "      three\n"
        "      four\n");
  CHECK(help_entry("-a", "one  two", 6, 100) == "  -a  one two\n");  // runs of spaces are one
}

TEST_CASE("help_format: names that reach the column put the text on the next line") {
  CHECK(help_entry("-m, --timeout, --max-time SECONDS", "Seconds", 20, 100) ==
        "  -m, --timeout, --max-time SECONDS\n"
        "                    Seconds\n");
  CHECK(help_entry("--abcdef", "x", 10, 100) == "  --abcdef\n          x\n");  // no two spaces before x
}

TEST_CASE("help_format: a word longer than the room stays whole on a line of its own") {
  CHECK(help_entry("-a", "go redis://[:PASSWORD@]HOST[:PORT]/STREAM now", 6, 20) ==
        "  -a  go\n"
        "      redis://[:PASSWORD@]HOST[:PORT]/STREAM\n"
        "      now\n");
}
