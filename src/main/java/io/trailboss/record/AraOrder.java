package io.trailboss.record;

import java.util.ArrayList;
import java.util.List;

/** The order of a list from ARA's {@code order} parameters (each key optionally descending); the id breaks ties. */
final class AraOrder {
    private AraOrder() {}

    static String orderBy(AraResource r, List<String> orders) {
        String a = r.alias;
        List<String> terms = new ArrayList<>();
        List<String> wanted = new ArrayList<>();
        for (String o : orders) for (String s : o.split(",")) if (!s.isBlank()) wanted.add(s.trim());
        if (wanted.isEmpty()) wanted.add(r.defaultOrder);
        boolean lastDesc = false;
        for (String w : wanted) {
            boolean desc = w.startsWith("-");
            String key = desc ? w.substring(1) : w;
            if (!r.orders.contains(key) && !(r == AraResource.LATESTHOSTS && key.equals(r.defaultOrder))) {
                throw RecordException.invalid("order", "Select a valid choice. " + w + " is not one of the available choices ("
                        + String.join(", ", r.orders) + ", each optionally with a leading '-').");
            }
            String col = switch (key) {
                case "id" -> a + ".id";
                case "created", "updated", "started", "ended" -> a + "." + key + "_at";
                case "duration" -> "(" + a + ".ended_at - " + a + ".started_at)";
                case "key" -> a + ".record_key";
                default -> a + "." + key;
            };
            terms.add(col + (desc ? " desc" : " asc"));
            lastDesc = desc;
        }
        terms.add(a + ".id" + (lastDesc ? " desc" : " asc"));
        return String.join(", ", terms);
    }
}
