package io.trailboss.record;

import io.trailboss.record.AraResource.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The conditions of a list from ARA's query parameters (as its API filters: by id, containing,
 * exactly, before and after a time, by status, label or file path), with their values bound by name.
 * Unknown parameters are ignored, as ARA ignores them.
 */
final class AraFilters {
    private static final Set<String> NOT_FILTERS = Set.of("limit", "offset", "order", "format");

    private AraFilters() {}

    static List<String> where(AraResource r, Map<String, List<String>> query, Map<String, Object> binds) {
        List<String> where = new ArrayList<>();
        String a = r.alias;
        int n = 0;
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            String param = e.getKey();
            if (NOT_FILTERS.contains(param) || e.getValue().isEmpty()) continue;
            String value = e.getValue().get(e.getValue().size() - 1);
            String p = "f" + (n++);
            String time = timeColumn(r, param);
            if (time != null) {
                binds.put(p, AraTimes.parse(param, value));
                where.add(a + "." + time + (param.endsWith("_before") ? " <= :" : " >= :") + p);
                continue;
            }
            Filter f = r.filters.get(param);
            if (f == null) continue; // like ARA: unknown parameters are ignored
            switch (f.kind()) {
                case ID -> {
                    binds.put(p, RecordValues.number(param, value));
                    where.add(f.column() + " = :" + p);
                }
                case GT, LT -> {
                    binds.put(p, RecordValues.number(param, value));
                    where.add(f.column() + (f.kind() == AraResource.FilterKind.GT ? " > :" : " < :") + p);
                }
                case ICONTAINS -> {
                    binds.put(p, like(value));
                    where.add("lower(" + f.column() + ") like :" + p + " escape '!'");
                }
                case IEXACT -> {
                    binds.put(p, value.toLowerCase(Locale.ROOT));
                    where.add("lower(" + f.column() + ") = :" + p);
                }
                case EXACT -> {
                    binds.put(p, value);
                    where.add(f.column() + " = :" + p);
                }
                case BOOL -> {
                    binds.put(p, RecordValues.bool(param, value));
                    where.add(f.column() + " = :" + p);
                }
                case UUID -> {
                    String t = value.length() > 36 ? value.substring(0, 36) : value;
                    try {
                        binds.put(p, java.util.UUID.fromString(t).toString());
                    } catch (IllegalArgumentException ex) {
                        throw RecordException.invalid(param, "Enter a valid UUID, not '" + value + "'.");
                    }
                    where.add(f.column() + " = :" + p);
                }
                case LABEL -> {
                    binds.put(p, value.toLowerCase(Locale.ROOT));
                    where.add("exists (select 1 from rec_playbook_label pl join rec_label l on l.id = pl.label_id where pl.playbook_id = p.id and lower(l.name) = :" + p + ")");
                }
                case FILE_PATH -> {
                    binds.put(p, like(value));
                    where.add("exists (select 1 from rec_file x where x.id = t.file_id and lower(x.path) like :" + p + " escape '!')");
                }
                case STATUS, RESULT_STATUS -> {
                    List<String> ors = new ArrayList<>();
                    int i = 0;
                    for (String raw : e.getValue()) {
                        for (String s : raw.split(",")) {
                            String v = s.trim().toLowerCase(Locale.ROOT);
                            if (!f.choices().contains(v)) {
                                throw RecordException.invalid(param, "Select a valid choice. " + s + " is not one of the available choices ("
                                        + String.join(", ", f.choices().stream().sorted().toList()) + ").");
                            }
                            if (v.equals("changed")) ors.add("(" + a + ".status = 'ok' and " + a + ".changed = true)");
                            else if (v.equals("ignored")) ors.add("(" + a + ".status = 'failed' and " + a + ".ignore_errors = true)");
                            else {
                                String q = p + "_" + (i++);
                                binds.put(q, v);
                                ors.add(f.column() + " = :" + q);
                            }
                        }
                    }
                    where.add("(" + String.join(" or ", ors) + ")");
                }
                default -> throw new IllegalStateException(f.kind().toString());
            }
        }
        return where;
    }

    private static String timeColumn(AraResource r, String param) {
        for (String t : List.of("created", "updated", "started", "ended")) {
            if ((t.equals("started") || t.equals("ended")) && !r.timed) continue;
            if (param.equals(t + "_before") || param.equals(t + "_after")) return t + "_at";
        }
        return null;
    }

    private static String like(String value) {
        return "%" + value.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }
}
