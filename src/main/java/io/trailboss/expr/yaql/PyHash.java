package io.trailboss.expr.yaql;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * CPython 3.11's hash values (64-bit), so that sets lay out as yaql's do. Numbers hash by value modulo
 * 2^61-1 (1, 1.0 and true hash alike), tuples with the xxHash-based mix. Strings and None hash by address or
 * by a per-process random key in CPython, so no order of a set of strings is reproducible: strings here hash
 * with SipHash-1-3 under a zero key (CPython with PYTHONHASHSEED=0), None with its value on Debian's build.
 */
final class PyHash {
    private static final long MODULUS = (1L << 61) - 1;
    private static final BigInteger BIG_MODULUS = BigInteger.valueOf(MODULUS);
    private static final long INF = 314159;
    /** hash(None) of Debian's python3.11 (a static object at a fixed address). */
    static final long NONE = 612812;
    private static final long XXPRIME_1 = 0x9E3779B185EBCA87L;
    private static final long XXPRIME_2 = 0xC2B2AE3D27D4EB4FL;
    private static final long XXPRIME_5 = 0x27D4EB2F165667C5L;

    private PyHash() {}

    static long ofLong(long v) {
        if (v == Long.MIN_VALUE) return ofBig(BigInteger.valueOf(v));
        long a = Math.abs(v) % MODULUS;
        long h = v < 0 ? -a : a;
        return h == -1 ? -2 : h;
    }

    static long ofBig(BigInteger v) {
        long a = v.abs().mod(BIG_MODULUS).longValue();
        long h = v.signum() < 0 ? -a : a;
        return h == -1 ? -2 : h;
    }

    static long ofDouble(double v) {
        if (Double.isInfinite(v)) return v > 0 ? INF : -INF;
        if (Double.isNaN(v)) return 0; // CPython hashes NaN by identity; no NaN equals another anyway
        if (v == Math.rint(v) && Math.abs(v) < 9.2e18) return ofLong((long) v);
        // v = m * 2^e exactly; hash = m * 2^e mod (2^61-1), where 2^-k is 2^(61-k mod 61)
        long bits = Double.doubleToRawLongBits(v);
        int exp = (int) ((bits >>> 52) & 0x7ff);
        long mant = bits & 0xfffffffffffffL;
        if (exp == 0) exp = 1;
        else mant |= 1L << 52;
        int e = exp - 1075;
        int shift = Math.floorMod(e, 61);
        BigInteger x = BigInteger.valueOf(mant).shiftLeft(shift).mod(BIG_MODULUS);
        long h = x.longValue();
        if (v < 0) h = -h;
        return h == -1 ? -2 : h;
    }

    static long tuple(Object[] items) {
        long acc = XXPRIME_5;
        for (Object item : items) {
            long lane = Py.hash(item);
            acc += lane * XXPRIME_2;
            acc = Long.rotateLeft(acc, 31);
            acc *= XXPRIME_1;
        }
        acc += items.length ^ (XXPRIME_5 ^ 3527539L);
        return acc == -1 ? 1546275796L : acc;
    }

    /** SipHash-1-3 with a zero key over CPython's storage of the string (1, 2 or 4 bytes a character). */
    static long string(String s) {
        if (s.isEmpty()) return 0;
        int max = 0;
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            max = Math.max(max, cp);
            i += Character.charCount(cp);
            n++;
        }
        int width = max < 256 ? 1 : max < 65536 ? 2 : 4;
        byte[] data;
        if (width == 1) {
            data = s.getBytes(StandardCharsets.ISO_8859_1);
        } else {
            data = new byte[n * width];
            int k = 0;
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                for (int b = 0; b < width; b++) data[k++] = (byte) (cp >>> (8 * b));
                i += Character.charCount(cp);
            }
        }
        long h = siphash13(data);
        return h == -1 ? -2 : h;
    }

    private static long siphash13(byte[] in) {
        long k0 = 0;
        long k1 = 0;
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        int len = in.length;
        int blocks = len / 8;
        for (int i = 0; i < blocks; i++) {
            long m = 0;
            for (int b = 7; b >= 0; b--) m = (m << 8) | (in[i * 8 + b] & 0xff);
            v3 ^= m;
            // one compression round
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m;
        }
        long t = ((long) len) << 56;
        for (int b = len - blocks * 8 - 1; b >= 0; b--) t |= ((long) (in[blocks * 8 + b] & 0xff)) << (8 * b);
        v3 ^= t;
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= t;
        v2 ^= 0xff;
        for (int r = 0; r < 3; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return (v0 ^ v1) ^ (v2 ^ v3);
    }
}
