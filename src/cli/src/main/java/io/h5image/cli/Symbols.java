package io.h5image.cli;

import java.nio.charset.CharsetEncoder;

/**
 * µ and × where the terminal can show them, ASCII where it cannot: under LANG=C the JDK writes
 * stdout as ASCII and would print "?" instead.
 */
final class Symbols {
    static final String MICROS;
    static final String TIMES;

    static {
        CharsetEncoder encoder = System.out.charset().newEncoder();
        boolean unicode = encoder.canEncode("µ×");
        MICROS = unicode ? "µs" : "us";
        TIMES = unicode ? "×" : "x";
    }

    private Symbols() {}
}
