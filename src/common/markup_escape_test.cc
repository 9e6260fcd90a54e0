#include "common/markup_escape.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TEST(MarkupEscapeTest, XmlEscapesMarkupApostrophesAndCarriageReturns) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(XmlEscape("line\r\nnext"), "line&#13;\nnext");
  EXPECT_EQ(XmlEscape("plain ünïcode"), "plain ünïcode");
}

TEST(MarkupEscapeTest, HtmlEscapesMarkupAndApostrophesButKeepsCarriageReturns) {
  EXPECT_EQ(HtmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(HtmlEscape("line\r\nnext"), "line\r\nnext");
  EXPECT_EQ(HtmlEscape(""), "");
}

}  // namespace
}  // namespace kiln
