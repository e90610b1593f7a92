package io.h5image.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TableTest {

    @Test
    void padsLeftAndRightAlignedColumns() {
        StringWriter text = new StringWriter();
        new Table("name", "n").alignRight(1).row("a", 1).row("longer", 12345).print(new PrintWriter(text, true));
        assertEquals("""
                name        n
                a           1
                longer  12345
                """, text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void rejectsAWrongNumberOfCells() {
        assertThrows(IllegalArgumentException.class, () -> Table.plain(2).row("only one"));
    }
}
