package io.trailboss.expr.yaql;

import java.math.BigInteger;

/**
 * Python's sys.getsizeof for yaql's values, on 64-bit CPython 3.11: the shallow size yaql's memory quota counts
 * (a tuple counts its slots, not what they hold; a string its characters at 1, 2 or 4 bytes each).
 */
final class PySize {
    private PySize() {}

    static long of(Object o) {
        if (o instanceof Boolean) return 28; // the common results first, before the type switch
        if (o instanceof Long l) return intSize(64 - Long.numberOfLeadingZeros(l == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(l)));
        return switch (o) {
            case null -> 16;
            case Boolean b -> 28;
            case Long l -> intSize(64 - Long.numberOfLeadingZeros(l == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(l)));
            case BigInteger b -> intSize(b.bitLength());
            case Double d -> 24;
            case String s -> string(s);
            case PySeq s -> s.tuple ? 40 + 8L * s.size() : listOf(s.size());
            case PyDict d -> d.frozen ? 56 : dict(d.size());
            case PySet s -> s.tableSize() == 8 ? 216 : 216 + 16L * s.tableSize();
            case PyIter i -> i.kind.equals("generator") ? 200 : 48;
            default -> 48;
        };
    }

    private static long intSize(int bits) {
        return 24 + 4L * Math.max(1, (bits + 29) / 30);
    }

    static long listOf(int n) {
        return 56 + 8L * n;
    }

    static long string(String s) {
        int max = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > max) max = Character.isSurrogate(c) ? 0x10000 : c;
            if (max >= 0x10000) break;
        }
        int n = max >= 0x10000 ? s.codePointCount(0, s.length()) : s.length();
        if (max < 128) return 49 + n;
        if (max < 256) return 73 + n;
        if (max < 65536) return 74 + 2L * n;
        return 76 + 4L * n;
    }

    /** A dict of n items, grown by insertion (table of 8, 16, 32, ... slots, two thirds usable). */
    static long dict(int n) {
        if (n == 0) return 64;
        long size = 8;
        while (size * 2 / 3 < n) size *= 2;
        long usable = size * 2 / 3;
        int indexBytes = size <= 128 ? 1 : size <= 1L << 15 ? 2 : size <= 1L << 31 ? 4 : 8;
        return 64 + 32 + size * indexBytes + usable * 24;
    }
}
