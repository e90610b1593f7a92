package io.h5image.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Columns padded to their widest cell, two spaces apart; numbers read best right-aligned. */
final class Table {
    private final String[] headers;
    private final int columns;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /** A table whose first line names the columns. */
    Table(String... headers) {
        this.headers = headers.clone();
        this.columns = headers.length;
        this.right = new boolean[columns];
    }

    private Table(int columns) {
        this.headers = null;
        this.columns = columns;
        this.right = new boolean[columns];
    }

    /** A table without a header line (label / value lists). */
    static Table plain(int columns) {
        return new Table(columns);
    }

    Table alignRight(int... indices) {
        for (int index : indices) right[index] = true;
        return this;
    }

    Table row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException(cells.length + " cells for " + columns + " columns: " + Arrays.toString(cells));
        }
        String[] text = new String[columns];
        for (int i = 0; i < columns; i++) text[i] = String.valueOf(cells[i]);
        rows.add(text);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] widths = new int[columns];
        if (headers != null) measure(headers, widths);
        for (String[] row : rows) measure(row, widths);
        if (headers != null) line(out, headers, widths);
        for (String[] row : rows) line(out, row, widths);
    }

    private static void measure(String[] cells, int[] widths) {
        for (int i = 0; i < cells.length; i++) widths[i] = Math.max(widths[i], cells[i].length());
    }

    private void line(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < columns; i++) {
            if (i > 0) line.append("  ");
            String pad = " ".repeat(widths[i] - cells[i].length());
            line.append(right[i] ? pad + cells[i] : cells[i] + pad);
        }
        out.println(line.toString().stripTrailing());
    }
}
