package io.trailboss.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** An address range ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code ::1/128}): who may speak for clients as a proxy. */
public record Cidr(byte[] network, int prefix) {
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    /**
     * @throws IllegalArgumentException naming the entry that is not an address or range (host names are refused:
     *     a proxy is trusted by its address, not by what a name resolves to today)
     */
    public static Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        if (address.isEmpty() || !LITERAL.matcher(address).matches() || (!address.contains(":") && !address.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range (such as 10.0.0.0/8 or 192.0.2.7)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range", e);
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("'" + text + "': the prefix length must be 0 to " + bits);
        }
        return new Cidr(bytes, prefix);
    }

    /** Comma- or space-separated ranges; blank gives none. */
    public static List<Cidr> parseList(String text) {
        List<Cidr> out = new ArrayList<>();
        if (text == null) return out;
        for (String part : text.split("[,\\s]+")) if (!part.isBlank()) out.add(parse(part));
        return List.copyOf(out);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            // an IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d)
            if (a.length == 16 && network.length == 4 && isMapped(a)) a = java.util.Arrays.copyOfRange(a, 12, 16);
            else return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    private static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return "?/" + prefix;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefix;
    }
}
