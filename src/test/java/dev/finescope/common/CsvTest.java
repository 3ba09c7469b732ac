package dev.finescope.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void plainFieldsStayUnquoted() {
        assertEquals("a.b", Csv.field("a.b"));
        assertEquals("FFN-in", Csv.field("FFN-in"));
        assertEquals("", Csv.field(null));
        assertEquals("", Csv.field(""));
    }

    @Test
    void commasQuotesAndLineBreaksAreQuotedWithQuotesDoubled() {
        assertEquals("\"a,b\"", Csv.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", Csv.field("say \"hi\""));
        assertEquals("\"a\nb\"", Csv.field("a\nb"));
        assertEquals("\"a\rb\"", Csv.field("a\rb"));
    }

    @Test
    void numbersAreWrittenAsTheyReadBack() {
        double third = 1.0 / 3;
        assertEquals("0.3333333333333333,1.0E-7,-0.0,NaN,42", Csv.row(third, 1e-7, -0.0, Double.NaN, 42));
        assertEquals(third, Double.parseDouble(Csv.row(third)));
    }

    @Test
    void aRowJoinsFieldsAndEmptyOnesStayEmpty() {
        assertEquals("1,\"x,y\",,3", Csv.row(1, "x,y", null, 3));
        assertEquals("a,b", Csv.row(Arrays.asList("a", "b")));
        assertEquals("a,b\n", Csv.appendRow(new StringBuilder(), "a", "b").toString());
    }
}
