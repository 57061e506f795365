package io.trailboss.store;

import io.trailboss.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Small helpers for reading JSON and nullable numbers out of result sets. */
final class Rows {
    private Rows() {}

    static Map<String, Object> map(ResultSet rs, String column) throws SQLException {
        return Json.readMap(rs.getString(column));
    }

    static Object json(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : Json.read(text);
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(ResultSet rs, String column) throws SQLException {
        Object v = json(rs, column);
        return v == null ? List.of() : (List<String>) v;
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static String jsonOrNull(Object value) {
        return value == null ? null : Json.write(value);
    }
}
