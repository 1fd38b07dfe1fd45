#pragma once
// The statement writer of write_text.cpp, for the payload writer.

#include "curator/sdc/statement.hpp"
#include "sdc/text_writer.hpp"

namespace curator::sdc {

void write_statement(TextWriter& w, const Statement& s);

}  // namespace curator::sdc
